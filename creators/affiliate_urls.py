from django.urls import path

from .views.affiliate import affiliate_link

urlpatterns = [
    path("<str:code>/<int:product_id>/", affiliate_link, name="affiliate-link"),
]
