from django.urls import path

from . import api

urlpatterns = [
    path("feed/", api.FeedView.as_view(), name="api-feed"),
    path("feed/following/", api.FollowingFeedView.as_view(), name="api-feed-following"),
    path("events/", api.EventsView.as_view(), name="api-events"),
]
