from django.urls import path

from . import views

urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("<int:pk>/", views.order_detail, name="order-detail"),
    path("<int:pk>/cancel/", views.order_cancel, name="order-cancel"),
    path("<int:pk>/return/", views.order_return, name="order-return"),
]
