from django.urls import path

from . import views

urlpatterns = [
    path("", views.checkout, name="checkout"),
    path("done/<int:checkout_id>/", views.checkout_done, name="checkout-done"),
]
