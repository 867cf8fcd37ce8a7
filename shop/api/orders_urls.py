from django.urls import path

from . import orders_views
from .cart_views import CartItemsView, CartItemView, CartView
from .checkout_views import CheckoutView

urlpatterns = [
    path("cart/", CartView.as_view(), name="api-cart"),
    path("cart/items/", CartItemsView.as_view(), name="api-cart-items"),
    path("cart/items/<int:pk>/", CartItemView.as_view(), name="api-cart-item"),
    path("checkout/", CheckoutView.as_view(), name="api-checkout"),
]

urlpatterns += [
    path("orders/", orders_views.OrderListView.as_view(), name="api-orders"),
    path("orders/<int:pk>/", orders_views.OrderDetailView.as_view(), name="api-order-detail"),
    path(
        "orders/<int:pk>/cancel/", orders_views.OrderCancelView.as_view(), name="api-order-cancel"
    ),
    path(
        "orders/<int:pk>/returns/",
        orders_views.OrderReturnView.as_view(),
        name="api-order-returns",
    ),
    path("seller/orders/", orders_views.SellerOrderListView.as_view(), name="api-seller-orders"),
    path(
        "seller/orders/<int:pk>/",
        orders_views.SellerOrderDetailView.as_view(),
        name="api-seller-order-detail",
    ),
    path(
        "seller/orders/<int:pk>/ship/",
        orders_views.SellerOrderShipView.as_view(),
        name="api-seller-order-ship",
    ),
    path(
        "seller/orders/<int:pk>/deliver/",
        orders_views.SellerOrderDeliverView.as_view(),
        name="api-seller-order-deliver",
    ),
    path(
        "seller/returns/<int:pk>/approve/",
        orders_views.SellerReturnApproveView.as_view(),
        name="api-seller-return-approve",
    ),
    path(
        "seller/returns/<int:pk>/reject/",
        orders_views.SellerReturnRejectView.as_view(),
        name="api-seller-return-reject",
    ),
    path(
        "payments/webhook/", orders_views.PaymentWebhookView.as_view(), name="api-payment-webhook"
    ),
]
