"""Output and input serializers of the creator money API.

Money is integer minor units with the currency beside it. Everything a client reads here
is read-only: a client never sets a commission, its rate, a status or an owner; the only
inputs are the targeted-plan forms below.
"""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from shop.models import Payout

from ..models import Commission, TargetedPlan


class DashboardTotalsSerializer(serializers.Serializer):
    views = serializers.IntegerField(help_text="All-time views of the creator's videos")
    taps = serializers.IntegerField(help_text="All-time product taps in the videos")
    orders = serializers.IntegerField(help_text="Orders with a commission for the creator")
    gmv_minor = serializers.IntegerField(help_text="Gross of the attributed order lines")
    earned_minor = serializers.IntegerField(help_text="Commission accrued, net of refunds")
    pending_minor = serializers.IntegerField(help_text="Held until the return window closes")
    available_minor = serializers.IntegerField(help_text="To be paid in the next payout")
    in_payout_minor = serializers.IntegerField(help_text="In payouts being approved or sent")
    paid_minor = serializers.IntegerField(help_text="Paid out")


class DashboardWeekSerializer(serializers.Serializer):
    week_start = serializers.DateField(help_text="Monday (UTC)")
    taps = serializers.IntegerField()
    orders = serializers.IntegerField()
    gmv_minor = serializers.IntegerField()
    earned_minor = serializers.IntegerField(help_text="Commission on that week's sales, net")


class DashboardVideoSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null: sales via affiliate links")
    caption = serializers.CharField()
    status = serializers.CharField()
    views = serializers.IntegerField()
    taps = serializers.IntegerField()
    orders = serializers.IntegerField()
    conversion = serializers.FloatField(allow_null=True, help_text="orders / taps")
    gmv_minor = serializers.IntegerField()
    earned_minor = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="Currency of every *_minor amount")
    as_of = serializers.DateTimeField(help_text="When these numbers were computed")
    period_start = serializers.DateField(help_text="First week of the series")
    totals = DashboardTotalsSerializer()
    series = DashboardWeekSerializer(many=True, help_text="12 weeks, oldest first")
    videos = DashboardVideoSerializer(many=True, help_text="Best earners first, then newest")


class CommissionSerializer(serializers.ModelSerializer):
    order_line_id = serializers.IntegerField(read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    product_id = serializers.IntegerField(read_only=True)
    product_title = serializers.CharField(source="product.title", read_only=True)
    video_id = serializers.IntegerField(read_only=True, allow_null=True)
    gross_minor = serializers.IntegerField(read_only=True, help_text="The line's gross")
    rate_bp = serializers.IntegerField(read_only=True, help_text="Rate applied, basis points")
    amount_minor = serializers.IntegerField(read_only=True, help_text="Commission accrued")
    reversed_minor = serializers.IntegerField(read_only=True, help_text="Taken back by refunds")
    net_minor = serializers.IntegerField(read_only=True, help_text="amount - reversed")

    class Meta:
        model = Commission
        fields = [
            "id",
            "order_line_id",
            "order_number",
            "product_id",
            "product_title",
            "video_id",
            "plan",
            "gross_minor",
            "rate_bp",
            "amount_minor",
            "reversed_minor",
            "net_minor",
            "currency",
            "status",
            "created_at",
            "available_at",
            "paid_at",
        ]
        read_only_fields = fields


class PayoutSerializer(serializers.ModelSerializer):
    statement_url = serializers.SerializerMethodField(help_text="The CSV statement")

    class Meta:
        model = Payout
        fields = [
            "id",
            "period_start",
            "period_end",
            "amount_minor",
            "currency",
            "status",
            "failure_reason",
            "created_at",
            "paid_at",
            "statement_url",
        ]
        read_only_fields = fields

    def get_statement_url(self, payout) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(reverse("api-creator-payout-statement", args=[payout.pk]))


class PlanProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class PlanSerializer(serializers.ModelSerializer):
    seller_id = serializers.IntegerField(read_only=True)
    seller_name = serializers.CharField(source="seller.name", read_only=True)
    creator_handle = serializers.CharField(source="creator.handle", read_only=True)
    products = PlanProductSerializer(many=True, read_only=True)
    rate_next_bp = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="A cut waiting its notice period"
    )

    class Meta:
        model = TargetedPlan
        fields = [
            "id",
            "seller_id",
            "seller_name",
            "creator_handle",
            "products",
            "rate_bp",
            "rate_next_bp",
            "rate_next_at",
            "message",
            "status",
            "created_at",
            "responded_at",
            "accepted_at",
            "ends_at",
        ]
        read_only_fields = fields


class PlanOfferInputSerializer(serializers.Serializer):
    creator = serializers.CharField(max_length=31, help_text="The creator's handle (@ optional)")
    product_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=100,
    )
    rate_bp = serializers.IntegerField(help_text="Basis points: 1500 is 15 %")
    message = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class PlanRateInputSerializer(serializers.Serializer):
    rate_bp = serializers.IntegerField(
        help_text="A raise applies at once; a cut after the notice period (30 days)"
    )
