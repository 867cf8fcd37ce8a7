"""The staff's screen for sellers: each shop with its market, owner and product count, and
the actions that switch a shop off and on (an inactive seller's products leave the
listings)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count

from ..models import Seller


@admin.register(Seller)
class SellerAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "slug",
        "market",
        "owner",
        "is_first_party",
        "is_active",
        "product_total",
        "created_at",
    ]
    list_filter = ["is_active", "is_first_party", "market"]
    search_fields = ["name", "slug", "owner__username", "owner__email"]
    list_select_related = ["market", "owner"]
    autocomplete_fields = ["owner"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["mark_inactive", "mark_active"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    def get_readonly_fields(self, request, obj=None):
        # Products copy their seller's market; moving a shop would strand them.
        return ["market"] if obj else []

    @admin.display(description="products", ordering="product_total")
    def product_total(self, obj: Seller) -> int:
        return obj.product_total

    @admin.action(description="Mark selected sellers inactive (hides their products)")
    def mark_inactive(self, request, queryset):
        n = queryset.filter(is_active=True).update(is_active=False)
        self.message_user(request, f"{n} seller(s) marked inactive.", messages.SUCCESS)

    @admin.action(description="Mark selected sellers active")
    def mark_active(self, request, queryset):
        n = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(request, f"{n} seller(s) marked active.", messages.SUCCESS)
