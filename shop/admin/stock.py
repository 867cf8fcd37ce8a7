"""The staff's stock screen: every variant with its stock, editable in the list, filtered
by how much is left. A change or a deletion here refreshes the product's price and stock
columns, as the product screen does."""

from __future__ import annotations

from django.contrib import admin

from marketplace.money import format_money

from ..models import Product, Seller, Variant
from ..selectors import LOW_STOCK_THRESHOLD
from ..services.catalog import product_refresh_summary


class VariantStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [
            ("low", f"Low stock (1–{LOW_STOCK_THRESHOLD} left)"),
            ("out", "Sold out"),
            ("in", "In stock"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(stock__gt=0, stock__lte=LOW_STOCK_THRESHOLD)
        if self.value() == "out":
            return queryset.filter(stock__lte=0)
        if self.value() == "in":
            return queryset.filter(stock__gt=0)
        return queryset


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    """The stock screen: every variant with its stock, editable in the list."""

    list_display = ["sku", "product", "label", "seller", "market", "price", "stock"]
    list_display_links = ["sku"]
    list_editable = ["stock"]
    list_filter = [VariantStockFilter, "product__market", "product__status", "product__seller"]
    search_fields = ["sku", "product__title", "product__handle", "product__seller__name"]
    list_select_related = ["product__seller", "product__market"]
    list_per_page = 100
    autocomplete_fields = ["product"]
    ordering = ["stock", "product__title", "position"]

    @admin.display(description="option")
    def label(self, obj: Variant) -> str:
        return obj.label

    @admin.display(description="seller", ordering="product__seller__name")
    def seller(self, obj: Variant) -> Seller:
        return obj.product.seller

    @admin.display(description="market", ordering="product__market")
    def market(self, obj: Variant) -> str:
        return obj.product.market_id

    @admin.display(description="price", ordering="price_minor")
    def price(self, obj: Variant) -> str:
        return format_money(obj.price_minor, obj.product.market.currency)

    def save_model(self, request, obj: Variant, form, change) -> None:
        super().save_model(request, obj, form, change)
        product_refresh_summary(product=obj.product)

    def delete_model(self, request, obj: Variant) -> None:
        product = obj.product
        super().delete_model(request, obj)
        product_refresh_summary(product=product)

    def delete_queryset(self, request, queryset) -> None:
        products = list(Product.objects.filter(variants__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for product in products:
            product_refresh_summary(product=product)
