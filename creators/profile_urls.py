from django.urls import path, re_path

from .views import profiles, studio

# Handles are lower case; a mistyped case is redirected by the view.
HANDLE = r"@(?P<handle>[A-Za-z0-9_.]{2,30})"

urlpatterns = [
    re_path(rf"^{HANDLE}/$", profiles.creator_profile, name="creator-profile"),
    re_path(rf"^{HANDLE}/follow/$", profiles.creator_follow, name="creator-follow"),
    re_path(rf"^{HANDLE}/unfollow/$", profiles.creator_unfollow, name="creator-unfollow"),
    path("creator/join/", profiles.creator_join, name="creator-join"),
    path("creator/profile/", profiles.creator_profile_edit, name="creator-profile-edit"),
    path("creator/videos/", studio.studio_videos, name="studio-videos"),
    path("creator/videos/new/", studio.studio_video_new, name="studio-video-new"),
    path("creator/videos/products/", studio.studio_product_search, name="studio-product-search"),
    path("creator/videos/<int:pk>/", studio.studio_video_edit, name="studio-video-edit"),
    path("creator/videos/<int:pk>/card/", studio.studio_video_card, name="studio-video-card"),
    path("creator/videos/<int:pk>/delete/", studio.studio_video_delete, name="studio-video-delete"),
]
