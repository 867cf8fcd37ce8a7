from django.urls import path

from . import views

urlpatterns = [
    path("", views.feed_for_you, name="feed"),
    path("following/", views.feed_following, name="feed-following"),
    path("feed/mode/", views.feed_mode_set, name="feed-mode"),
    path("t/<int:video_id>/<int:product_id>/", views.tap, name="feed-tap"),
]
