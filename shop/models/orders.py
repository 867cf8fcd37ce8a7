"""Orders: one checkout, one payment, one order per seller; lines snapshot everything the
money rules need (price, deal, referral fee rate, seller) so later edits change nothing."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    PAID = "paid", "Paid"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class ShippingOption(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPRESS = "express", "Express"


def _order_number() -> str:
    return f"{secrets.randbelow(10**9):09d}"


class Checkout(models.Model):
    """One press of "Place order": its orders share one payment."""

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    total_minor = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Checkout {self.pk}"


class Order(models.Model):
    number = models.CharField(max_length=12, unique=True, default=_order_number)
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    seller = models.ForeignKey("shop.Seller", on_delete=models.PROTECT, related_name="orders")
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    subtotal_minor = models.BigIntegerField()
    shipping_minor = models.BigIntegerField(default=0)
    total_minor = models.BigIntegerField()
    refunded_minor = models.BigIntegerField(default=0)

    shipping_option = models.CharField(max_length=10, choices=ShippingOption.choices)
    ship_full_name = models.CharField(max_length=120)
    ship_line1 = models.CharField(max_length=200)
    ship_city = models.CharField(max_length=100)
    ship_postal_code = models.CharField(max_length=20)
    ship_country = models.CharField(max_length=2)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=60, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # When the seller's share moved from pending to available (delivery + settlement days).
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_by_buyer"),
            models.Index(fields=["seller", "status", "-created_at"], name="order_by_seller"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_minor=F("subtotal_minor") + F("shipping_minor")),
                name="order_total_is_subtotal_plus_shipping",
            ),
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0, refunded_minor__lte=F("total_minor")),
                name="order_refund_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"Order #{self.number}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("shop.Variant", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("shop.Product", on_delete=models.PROTECT, related_name="+")
    seller = models.ForeignKey("shop.Seller", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_minor = models.BigIntegerField(help_text="Regular price at the time of sale")
    deal = models.ForeignKey(
        "shop.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    deal_price_minor = models.BigIntegerField(null=True, blank=True)
    deal_units = models.PositiveIntegerField(default=0)
    gross_minor = models.BigIntegerField(help_text="What the buyer pays for this line")
    referral_fee_bp = models.PositiveIntegerField()
    commission_rate_bp = models.PositiveIntegerField(help_text="The open-plan rate at sale")
    refunded_quantity = models.PositiveIntegerField(default=0)
    refunded_minor = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity"),
            models.CheckConstraint(
                condition=Q(refunded_minor__lte=F("gross_minor")),
                name="order_line_refund_within_gross",
            ),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=F("quantity")),
                name="order_line_refund_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"


class OrderStatusChange(models.Model):
    """Every status change: who, when, from what."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status} → {self.to_status}"


class StockHold(models.Model):
    """Units taken off a variant's stock for an unpaid order line, until paid or released."""

    variant = models.ForeignKey("shop.Variant", on_delete=models.PROTECT, related_name="holds")
    order_line = models.OneToOneField(OrderLine, on_delete=models.CASCADE, related_name="hold")
    quantity = models.PositiveIntegerField()
    deal = models.ForeignKey(
        "shop.Deal", on_delete=models.SET_NULL, null=True, blank=True, related_name="holds"
    )
    deal_units = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    released_at = models.DateTimeField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True, help_text="Paid: the sale stands")

    class Meta:
        indexes = [
            models.Index(
                fields=["expires_at"],
                condition=Q(released_at__isnull=True, converted_at__isnull=True),
                name="hold_open",
            )
        ]

    def __str__(self) -> str:
        return f"hold {self.quantity} of {self.variant_id}"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CAPTURED = "captured", "Captured"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"


class Payment(models.Model):
    """The one card payment of a checkout. Only brand and last four digits are kept."""

    checkout = models.OneToOneField(Checkout, on_delete=models.PROTECT, related_name="payment")
    gateway = models.CharField(max_length=20, default="sandbox")
    gateway_ref = models.CharField(max_length=64, blank=True, db_index=True)
    amount_minor = models.BigIntegerField()
    refunded_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    failure_code = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    captured_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_minor__gte=0, refunded_minor__lte=F("amount_minor")),
                name="payment_refund_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"Payment {self.pk} {self.status}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    amount_minor = models.BigIntegerField()
    lines = models.JSONField(
        default=list, help_text='[{"line_id": 1, "quantity": 1, "amount": 500}]'
    )
    reason = models.CharField(max_length=200, blank=True)
    gateway_ref = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="refund_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.amount_minor} on {self.order_id}"


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the response it got: replayed for the same body,
    refused for another. Kept at least 24 hours."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)
    scope = models.CharField(max_length=40, default="checkout")
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"


class SentEmail(models.Model):
    """One row per email the shop sent about an order: what makes sending idempotent."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(max_length=40)
    to = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="email_once")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.order_id}"


class SavedAddress(models.Model):
    """Shipping addresses a shopper used before, offered again at checkout."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses"
    )
    full_name = models.CharField(max_length=120)
    line1 = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    last_used_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_used_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "full_name", "line1", "city", "postal_code", "country"],
                name="saved_address_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city}"
