from django.urls import path

from . import views

urlpatterns = [
    path("shop/", views.shop_home, name="shop"),
    path("products/<int:pk>/", views.product_detail, name="product-detail"),
    path("products/<int:pk>/<str:slug>/", views.product_detail, name="product-detail"),
]
