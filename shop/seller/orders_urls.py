from django.urls import path

from . import orders_views as views

app_name = "seller_orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/ship/", views.order_ship_view, name="ship"),
    path("<int:pk>/deliver/", views.order_deliver_view, name="deliver"),
    path("returns/<int:pk>/approve/", views.return_approve_view, name="return-approve"),
    path("returns/<int:pk>/reject/", views.return_reject_view, name="return-reject"),
]
