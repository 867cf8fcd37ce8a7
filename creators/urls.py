from django.urls import include, path

urlpatterns = [
    path("", include("creators.feed.urls")),
    path("", include("creators.profile_urls")),
    path("", include("creators.dashboard_urls")),
]
