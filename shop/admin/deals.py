"""The staff's screen for deals: a variant's lower price for a window and a quantity cap,
with its state (scheduled, live, used up, expired) worked out from the clock and the
sold count."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import F
from django.utils import timezone
from django.utils.html import format_html

from marketplace.money import format_money

from ..models import Deal


def deal_state(deal: Deal, at=None) -> str:
    at = at or timezone.now()
    if at < deal.starts_at:
        return "scheduled"
    if at >= deal.ends_at:
        return "expired"
    if deal.quantity_sold >= deal.quantity_cap:
        return "used up"
    return "live"


class DealStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", "Live"),
            ("scheduled", "Scheduled"),
            ("used_up", "Used up"),
            ("expired", "Expired"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "live":
            return queryset.live(now)
        if self.value() == "scheduled":
            return queryset.filter(starts_at__gt=now)
        if self.value() == "used_up":
            return queryset.filter(
                starts_at__lte=now, ends_at__gt=now, quantity_sold__gte=F("quantity_cap")
            )
        if self.value() == "expired":
            return queryset.filter(ends_at__lte=now)
        return queryset


class DealForm(forms.ModelForm):
    class Meta:
        model = Deal
        fields = ["variant", "price_minor", "starts_at", "ends_at", "quantity_cap"]

    def clean(self):
        data = super().clean()
        variant, price = data.get("variant"), data.get("price_minor")
        if variant and price is not None and price >= variant.price_minor:
            self.add_error("price_minor", "A deal price is below the variant's regular price.")
        cap = data.get("quantity_cap")
        if self.instance.pk and cap is not None and cap < self.instance.quantity_sold:
            self.add_error("quantity_cap", f"{self.instance.quantity_sold} are already sold.")
        return data


_STATE_COLOURS = {
    "live": "#0a7d32",
    "scheduled": "#2459c7",
    "used up": "#9a5b00",
    "expired": "#666",
}


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    form = DealForm
    list_display = [
        "product",
        "option",
        "market",
        "deal_price",
        "regular_price",
        "starts_at",
        "ends_at",
        "sold",
        "state",
    ]
    list_display_links = ["product"]
    list_filter = [DealStateFilter, "variant__product__market", "variant__product__seller"]
    search_fields = ["variant__sku", "variant__product__title", "variant__product__seller__name"]
    list_select_related = ["variant__product__market", "variant__product__seller"]
    autocomplete_fields = ["variant"]
    readonly_fields = ["quantity_sold", "created_at"]
    date_hierarchy = "ends_at"
    ordering = ["-ends_at"]

    @admin.display(description="product", ordering="variant__product__title")
    def product(self, obj: Deal) -> str:
        return obj.variant.product.title

    @admin.display(description="option")
    def option(self, obj: Deal) -> str:
        return obj.variant.label

    @admin.display(description="market", ordering="variant__product__market")
    def market(self, obj: Deal) -> str:
        return obj.variant.product.market_id

    @admin.display(description="deal price", ordering="price_minor")
    def deal_price(self, obj: Deal) -> str:
        return format_money(obj.price_minor, obj.variant.product.market.currency)

    @admin.display(description="regular price")
    def regular_price(self, obj: Deal) -> str:
        return format_money(obj.variant.price_minor, obj.variant.product.market.currency)

    @admin.display(description="sold / cap")
    def sold(self, obj: Deal) -> str:
        return f"{obj.quantity_sold} / {obj.quantity_cap}"

    @admin.display(description="state")
    def state(self, obj: Deal) -> str:
        state = deal_state(obj)
        return format_html('<b style="color:{}">{}</b>', _STATE_COLOURS[state], state)
