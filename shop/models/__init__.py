from .cart import Cart, CartLine
from .catalog import Category, Product, ProductImage, ProductStatus, Variant
from .deals import Deal
from .orders import (
    Checkout,
    IdempotencyKey,
    Order,
    OrderLine,
    OrderStatus,
    OrderStatusChange,
    Payment,
    PaymentStatus,
    Refund,
    SavedAddress,
    SentEmail,
    ShippingOption,
    StockHold,
)
from .payouts import Payout, PayoutStatus
from .returns import ReturnLine, ReturnReason, ReturnRequest, ReturnStatus
from .sandbox import SandboxRecord
from .sellers import Seller

__all__ = [
    "Checkout",
    "IdempotencyKey",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OrderStatusChange",
    "Payment",
    "Payout",
    "PayoutStatus",
    "PaymentStatus",
    "Refund",
    "ReturnLine",
    "ReturnReason",
    "ReturnRequest",
    "ReturnStatus",
    "SandboxRecord",
    "SavedAddress",
    "SentEmail",
    "ShippingOption",
    "StockHold",
    "Cart",
    "CartLine",
    "Category",
    "Deal",
    "Product",
    "ProductImage",
    "ProductStatus",
    "Seller",
    "Variant",
]
