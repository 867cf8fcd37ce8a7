"""Orders API: explicit inputs, and outputs whose every field is read-only (a client
never sets a status, an amount or an owner). Amounts are integer minor units beside the
currency, with a formatted copy for display, as the checkout API returns them."""

from __future__ import annotations

from rest_framework import serializers

from marketplace.money import format_money

from ..models import ReturnReason
from ..orders import presenters


class SellerRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrderLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    title = serializers.CharField()
    variant_label = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price_minor = serializers.IntegerField()
    deal_price_minor = serializers.IntegerField(allow_null=True)
    deal_units = serializers.IntegerField()
    gross_minor = serializers.IntegerField()
    gross = serializers.SerializerMethodField()
    refunded_quantity = serializers.IntegerField()
    refunded_minor = serializers.IntegerField()

    def get_gross(self, line) -> str:
        return format_money(line.gross_minor, self.context["currency"])


class StepOut(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.CharField(help_text="You, Shopper, the shop's name, or Marketplace")
    note = serializers.CharField()


class ReturnLineOut(serializers.Serializer):
    line_id = serializers.IntegerField(source="order_line_id")
    quantity = serializers.IntegerField()


class ReturnOut(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    reason = serializers.CharField()
    reason_label = serializers.CharField(source="get_reason_display")
    details = serializers.CharField()
    requested_at = serializers.DateTimeField()
    respond_by = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    auto_approved = serializers.BooleanField()
    rejection_note = serializers.CharField()
    restocked = serializers.BooleanField()
    lines = ReturnLineOut(many=True)
    refund_minor = serializers.SerializerMethodField()
    refund_state = serializers.SerializerMethodField(help_text='"", "pending" or "refunded"')

    def get_refund_minor(self, obj) -> int | None:
        return obj.refund.amount_minor if obj.refund_id else None

    def get_refund_state(self, obj) -> str:
        return presenters.refund_state(obj.refund if obj.refund_id else None)


class RefundOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount_minor = serializers.IntegerField()
    state = serializers.SerializerMethodField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    lines = serializers.JSONField(help_text='[{"line_id", "quantity", "amount"}]')

    def get_state(self, obj) -> str:
        return presenters.refund_state(obj)


class OrderSummaryOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.SerializerMethodField()
    seller = SellerRef()
    currency = serializers.CharField()
    total_minor = serializers.IntegerField()
    total = serializers.SerializerMethodField()
    refunded_minor = serializers.IntegerField()
    item_count = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    return_waiting = serializers.SerializerMethodField()

    def get_status_label(self, order) -> str:
        return presenters.status_label(order)

    def get_total(self, order) -> str:
        return format_money(order.total_minor, order.currency)

    def get_item_count(self, order) -> int:
        return sum(line.quantity for line in order.lines.all())

    def get_return_waiting(self, order) -> bool:
        return bool(getattr(order, "open_returns", None))


class AddressOut(serializers.Serializer):
    full_name = serializers.CharField(source="ship_full_name")
    line1 = serializers.CharField(source="ship_line1")
    city = serializers.CharField(source="ship_city")
    postal_code = serializers.CharField(source="ship_postal_code")
    country = serializers.CharField(source="ship_country")


class OrderDetailOut(OrderSummaryOut):
    subtotal_minor = serializers.IntegerField()
    shipping_minor = serializers.IntegerField()
    shipping_option = serializers.CharField()
    shipping_address = AddressOut(source="*")
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    return_deadline = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField()
    can_return = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()
    returns = ReturnOut(many=True)
    refunds = RefundOut(many=True)

    def get_return_deadline(self, order) -> str | None:
        deadline = presenters.return_deadline(order)
        return deadline.isoformat() if deadline else None

    def get_can_cancel(self, order) -> bool:
        return presenters.can_cancel(order)

    def get_can_return(self, order) -> bool:
        return presenters.can_return(order)

    def get_lines(self, order) -> list[dict]:
        return OrderLineOut(order.lines.all(), many=True, context={"currency": order.currency}).data

    def get_history(self, order) -> list[dict]:
        viewer = self.context["request"].user
        return StepOut(presenters.timeline(order, viewer=viewer), many=True).data


class SellerOrderDetailOut(OrderDetailOut):
    buyer_name = serializers.CharField(source="ship_full_name")


class ReturnLineIn(serializers.Serializer):
    line_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=999)


class ReturnIn(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    details = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    lines = ReturnLineIn(many=True, min_length=1, max_length=100)


class ShipIn(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    tracking_number = serializers.CharField(max_length=60)


class ApproveIn(serializers.Serializer):
    restock = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Put the units back in stock; by default unless damaged or faulty",
    )


class RejectIn(serializers.Serializer):
    note = serializers.CharField(max_length=500, help_text="Why, in words the shopper reads")


class WebhookOut(serializers.Serializer):
    status = serializers.CharField(help_text="applied, duplicate or ignored")
