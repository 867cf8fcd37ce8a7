from django.urls import path

from . import views

urlpatterns = [
    path("", views.cart_detail, name="cart"),
    path("add/", views.cart_add, name="cart-add"),
    path("lines/<int:line_id>/", views.cart_line_update, name="cart-line-update"),
    path("lines/<int:line_id>/remove/", views.cart_line_remove, name="cart-line-remove"),
]
