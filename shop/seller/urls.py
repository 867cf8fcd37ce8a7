from django.urls import path

from . import money_views, views

app_name = "seller"

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:slug>/", views.product_list, name="products"),
    path("<slug:slug>/products/new/", views.product_new, name="product-new"),
    path("<slug:slug>/products/<int:pk>/", views.product_edit, name="product-edit"),
    path("<slug:slug>/products/<int:pk>/stock/", views.product_stock, name="product-stock"),
    path("<slug:slug>/products/<int:pk>/images/", views.product_images, name="product-images"),
    path(
        "<slug:slug>/products/<int:pk>/images/<int:image_pk>/move/",
        views.image_move,
        name="image-move",
    ),
    path(
        "<slug:slug>/products/<int:pk>/images/<int:image_pk>/delete/",
        views.image_delete,
        name="image-delete",
    ),
    path("<slug:slug>/import/", views.shopify_import, name="import"),
    path("<slug:slug>/money/", money_views.money, name="money"),
    path(
        "<slug:slug>/payouts/<int:pk>/statement.csv",
        money_views.payout_statement,
        name="payout-statement",
    ),
]
