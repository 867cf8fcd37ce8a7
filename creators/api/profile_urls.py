from django.urls import path

from . import profiles, videos

urlpatterns = [
    path("creators/<str:handle>/", profiles.CreatorDetailView.as_view(), name="api-creator"),
    path(
        "creators/<str:handle>/follow/",
        profiles.CreatorFollowView.as_view(),
        name="api-creator-follow",
    ),
    path(
        "creators/<str:handle>/videos/",
        profiles.CreatorVideoListView.as_view(),
        name="api-creator-videos",
    ),
    path("creator/", profiles.OwnCreatorView.as_view(), name="api-own-creator"),
    path("creator/videos/", videos.OwnVideoListView.as_view(), name="api-own-videos"),
    path("creator/videos/<int:pk>/", videos.OwnVideoDetailView.as_view(), name="api-own-video"),
]
