"""The staff's screens after the sale: orders (lines, status history, refunds and returns
inline), payments, refunds, returns, stock holds.

Nothing here edits money or status fields directly: every change goes through the same
services the shoppers and sellers use (cancel, refund, approve), so the audit trail, the
gateway call and the ``order.refunded`` event are the same whoever acts. Changelists
fetch their columns with ``list_select_related``, so a page's queries do not grow with
its rows."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from marketplace.errors import DomainError
from marketplace.money import format_money, to_minor

from ..models import (
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    Refund,
    ReturnLine,
    ReturnRequest,
    ReturnStatus,
    StockHold,
)
from ..services.cancellation import order_cancel
from ..services.refunds import order_refund, order_refundable_minor, refund_execute
from ..services.returns import return_approve


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["title", "variant_label", "sku", "quantity", "unit_price_minor", "deal_units",
              "deal_price_minor", "gross_minor", "referral_fee_bp", "commission_rate_bp",
              "refunded_quantity", "refunded_minor"]  # fmt: skip
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    verbose_name_plural = "status history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = ["created_at", "amount_minor", "reason", "gateway_ref", "actor", "lines"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReturnInline(ReadOnlyInline):
    model = ReturnRequest
    fields = ["id", "status", "reason", "requested_at", "respond_by", "decided_at",
              "auto_approved", "restocked", "refund"]  # fmt: skip
    readonly_fields = fields
    show_change_link = True


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "buyer", "seller", "market", "status", "total",
                    "refunded"]  # fmt: skip
    list_filter = ["status", "market", "shipping_option"]
    search_fields = ["number", "buyer__username", "buyer__email", "ship_full_name",
                     "tracking_number"]  # fmt: skip
    list_select_related = ["buyer", "seller", "market"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderStatusChangeInline, RefundInline, ReturnInline]
    actions = ["cancel_orders", "refund_in_full"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "status",
                    "buyer",
                    "seller",
                    "market",
                    "checkout",
                    "refund_link",
                ]
            },
        ),  # fmt: skip
        (
            "Money",
            {
                "fields": [
                    "currency",
                    "subtotal_minor",
                    "shipping_minor",
                    "total_minor",
                    "refunded_minor",
                ]
            },
        ),  # fmt: skip
        (
            "Shipping",
            {
                "fields": [
                    "shipping_option",
                    "ship_full_name",
                    "ship_line1",
                    "ship_city",
                    "ship_postal_code",
                    "ship_country",
                    "carrier",
                    "tracking_number",
                ]
            },
        ),  # fmt: skip
        (
            "Dates",
            {"fields": ["created_at", "paid_at", "shipped_at", "delivered_at", "cancelled_at"]},
        ),  # fmt: skip
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f for fieldset in self.fieldsets for f in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="total", ordering="total_minor")
    def total(self, obj: Order) -> str:
        return format_money(obj.total_minor, obj.currency)

    @admin.display(description="refunded", ordering="refunded_minor")
    def refunded(self, obj: Order) -> str:
        return format_money(obj.refunded_minor, obj.currency) if obj.refunded_minor else "—"

    @admin.display(description="refund")
    def refund_link(self, obj: Order) -> str:
        url = reverse("admin:shop_order_refund", args=[obj.pk])
        return format_html('<a class="button" href="{}">Refund part or all of this order…</a>', url)

    def get_urls(self):
        refund = self.admin_site.admin_view(self.refund_view)
        return [
            path("<int:pk>/refund/", refund, name="shop_order_refund"),
            *super().get_urls(),
        ]

    @admin.action(description="Cancel selected orders before shipping (full refund, restock)")
    def cancel_orders(self, request, queryset):
        def act(order):
            order_cancel(order_id=order.pk, actor=request.user, reason="Cancelled by staff")

        self._each(request, queryset, act)

    @admin.action(description="Refund selected orders in full (no restock)")
    def refund_in_full(self, request, queryset):
        def act(order):
            order_refund(order_id=order.pk, actor=request.user, full=True, reason="Staff refund")

        self._each(request, queryset, act)

    def _each(self, request, queryset, act) -> None:
        done = 0
        for order in queryset.order_by("pk"):
            try:
                act(order)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"Order #{order.number}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} order(s) done.", messages.SUCCESS)

    def refund_view(self, request, pk: int):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        order = get_object_or_404(Order.objects.select_related("market"), pk=pk)
        lines = list(order.lines.order_by("pk"))
        form = RefundForm(request.POST or None, order=order, lines=lines)
        if request.method == "POST" and form.is_valid():
            try:
                refund = order_refund(order_id=order.pk, actor=request.user, **form.request())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                state = "paid back" if refund.gateway_ref else "sent to the processor"
                amount = format_money(refund.amount_minor, order.currency)
                self.message_user(request, f"Refund of {amount} {state}.", messages.SUCCESS)
                return redirect("admin:shop_order_change", order.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Refund order #{order.number}",
            "order": order,
            "form": form,
            "refundable": format_money(order_refundable_minor(order), order.currency),
            "opts": self.model._meta,
        }
        return render(request, "shop/orders/admin_refund.html", context)


class RefundForm(forms.Form):
    """Refund by units returned, by an amount, or everything left."""

    everything = forms.BooleanField(label="Refund everything still refundable", required=False)
    amount = forms.DecimalField(label="Or an amount", required=False, min_value=0)
    reason = forms.CharField(max_length=200)

    def __init__(self, *args, order: Order, lines: list[OrderLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.lines = order, lines
        self.fields["amount"].help_text = f"In {order.currency}"
        for line in lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"Units of {line.title} {line.variant_label}".strip(),
                required=False,
                min_value=0,
                max_value=line.quantity - line.refunded_quantity,
                help_text=f"{line.refunded_quantity} of {line.quantity} refunded so far",
            )

    def clean(self):
        data = super().clean()
        units = {line.pk: data.get(f"line_{line.pk}") or 0 for line in self.lines}
        data["units"] = {k: v for k, v in units.items() if v}
        given = [bool(data.get("everything")), data.get("amount") is not None, bool(data["units"])]
        if sum(given) != 1:
            raise forms.ValidationError("Choose one: everything, an amount, or units per line.")
        if data.get("amount") is not None:
            try:
                data["amount_minor"] = to_minor(data["amount"], self.order.currency)
            except ValueError as exc:
                self.add_error("amount", str(exc))
        return data

    def request(self) -> dict:
        data = self.cleaned_data
        if data.get("everything"):
            return {"full": True, "reason": data["reason"]}
        if data.get("amount_minor") is not None:
            return {"amount": data["amount_minor"], "reason": data["reason"]}
        return {"lines": data["units"], "reason": data["reason"]}


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["pk", "checkout", "status", "amount", "refunded", "card", "gateway_ref",
                    "created_at"]  # fmt: skip
    list_filter = ["status", "gateway"]
    search_fields = ["gateway_ref", "checkout__orders__number"]
    readonly_fields = [f.name for f in Payment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, obj: Payment) -> str:
        return format_money(obj.amount_minor, obj.currency)

    @admin.display(description="refunded", ordering="refunded_minor")
    def refunded(self, obj: Payment) -> str:
        return format_money(obj.refunded_minor, obj.currency)

    @admin.display(description="card")
    def card(self, obj: Payment) -> str:
        return f"{obj.card_brand} ····{obj.card_last4}" if obj.card_last4 else "—"


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ["pk", "order", "amount", "state", "reason", "actor", "created_at"]
    list_select_related = ["order", "actor"]
    search_fields = ["order__number", "gateway_ref"]
    readonly_fields = [f.name for f in Refund._meta.fields]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False  # refunds are made from the order, through the refund service

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="amount", ordering="amount_minor")
    def amount(self, obj: Refund) -> str:
        return format_money(obj.amount_minor, obj.order.currency)

    @admin.display(description="state")
    def state(self, obj: Refund) -> str:
        return "paid back" if obj.gateway_ref else "pending at the processor"

    @admin.action(description="Retry selected pending refunds at the processor")
    def retry(self, request, queryset):
        for refund in queryset.filter(gateway_ref="").order_by("pk"):
            try:
                refund_execute(refund_id=refund.pk)
            except DomainError as exc:
                self.message_user(request, f"Refund {refund.pk}: {exc.message}", messages.ERROR)


class ReturnLineInline(ReadOnlyInline):
    model = ReturnLine
    fields = ["order_line", "quantity"]
    readonly_fields = fields


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "order", "status", "reason", "requested_at", "respond_by",
                    "auto_approved", "restocked"]  # fmt: skip
    list_filter = ["status", "reason", "auto_approved"]
    list_select_related = ["order"]
    search_fields = ["order__number"]
    readonly_fields = [f.name for f in ReturnRequest._meta.fields]
    inlines = [ReturnLineInline]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve selected returns (refund, restock if sellable)")
    def approve(self, request, queryset):
        for ret in queryset.filter(status=ReturnStatus.REQUESTED).order_by("pk"):
            try:
                return_approve(return_id=ret.pk, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"Return {ret.pk}: {exc.message}", messages.ERROR)


class HoldStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("released", "Released"), ("converted", "Sold (paid)")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(released_at__isnull=True, converted_at__isnull=True)
        if self.value() == "released":
            return queryset.filter(released_at__isnull=False)
        if self.value() == "converted":
            return queryset.filter(converted_at__isnull=False)
        return queryset


@admin.register(StockHold)
class StockHoldAdmin(admin.ModelAdmin):
    list_display = ["pk", "variant", "order_line", "quantity", "deal_units", "expires_at",
                    "released_at", "converted_at"]  # fmt: skip
    list_filter = [HoldStateFilter]
    list_select_related = ["variant__product", "order_line"]
    readonly_fields = [f.name for f in StockHold._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
