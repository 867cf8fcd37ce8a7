from django.urls import include, path

urlpatterns = [
    path("", include("creators.feed.api_urls")),
    path("", include("creators.api.profile_urls")),
    path("", include("creators.api.money_urls")),
]
