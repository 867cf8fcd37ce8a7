from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import media_views, views
from .api import ThrottledObtainAuthToken

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("marketplace.accounts_urls")),
    path("api/auth/token/", ThrottledObtainAuthToken.as_view(), name="api-token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("shop.api.urls")),
    path("api/", include("shop.api.orders_urls")),
    path("api/", include("creators.api.urls")),
    path("cart/", include("shop.cart.urls")),
    path("checkout/", include("shop.checkout.urls")),
    path("orders/", include("shop.orders.urls")),
    path("seller/orders/", include("shop.seller.orders_urls")),
    # The seller center's commission plans: targeted plans are creators' models.
    path("seller/<slug:slug>/plans/", include("creators.seller_urls")),
    path("seller/", include("shop.seller.urls")),
    path("r/", include("creators.affiliate_urls")),
    path("", include("creators.urls")),
    path("", include("shop.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", media_views.serve_media, name="media"),
    ]
