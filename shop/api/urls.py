from django.urls import path

from . import catalog_views, seller_views

urlpatterns = [
    path("products/", catalog_views.ProductListView.as_view(), name="api-products"),
    path(
        "products/<int:pk>/",
        catalog_views.ProductDetailView.as_view(),
        name="api-product-detail",
    ),
    path("deals/", catalog_views.DealListView.as_view(), name="api-deals"),
    path(
        "seller/products/",
        seller_views.SellerProductListView.as_view(),
        name="api-seller-products",
    ),
    path(
        "seller/products/<int:pk>/",
        seller_views.SellerProductDetailView.as_view(),
        name="api-seller-product-detail",
    ),
    path(
        "seller/products/<int:pk>/variants/",
        seller_views.SellerVariantCreateView.as_view(),
        name="api-seller-product-variants",
    ),
    path(
        "seller/variants/<int:pk>/",
        seller_views.SellerVariantDetailView.as_view(),
        name="api-seller-variant-detail",
    ),
]
