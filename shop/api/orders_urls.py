from django.urls import path

from .checkout_views import CheckoutView

urlpatterns = [
    path("checkout/", CheckoutView.as_view(), name="api-checkout"),
]
