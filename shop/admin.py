"""The staff's screens for the catalog: sellers, categories, products (variants and images
inline), stock per variant, and deals.

Every changelist fetches what its columns show with ``list_select_related`` or one
prefetch, so a page costs the same queries for 10 rows or 100 (pinned in
tests/shop/test_admin.py). Every path that changes variants ends in
``product_refresh_summary``, which keeps the product's price and stock columns true.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch
from django.utils import timezone
from django.utils.html import format_html

from marketplace.money import format_money

from .models import Category, Deal, Product, ProductImage, ProductStatus, Seller, Variant
from .selectors import LOW_STOCK_THRESHOLD
from .services.catalog import make_thumbnail, product_refresh_summary


def _thumbnail(url: str, size: int = 48) -> str:
    if not url:
        return "—"
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="" loading="lazy" '
        'style="object-fit:cover;border-radius:6px">',
        url,
        size,
        size,
    )


# --- Sellers and categories -------------------------------------------------------------


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


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "product_total"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_total=Count("products"))

    @admin.display(description="products", ordering="product_total")
    def product_total(self, obj: Category) -> int:
        return obj.product_total


# --- Products ---------------------------------------------------------------------------


class FirstPartyFilter(admin.SimpleListFilter):
    title = "store"
    parameter_name = "first_party"

    def lookups(self, request, model_admin):
        return [("yes", "First-party (our store)"), ("no", "Third-party sellers")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(seller__is_first_party=self.value() == "yes")
        return queryset


class ProductStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [
            ("low", f"Low stock (an option with 1–{LOW_STOCK_THRESHOLD} left)"),
            ("option_out", "An option sold out"),
            ("sold_out", "Sold out"),
        ]

    def queryset(self, request, queryset):
        variants = Variant.objects.filter(product=OuterRef("pk"))
        if self.value() == "low":
            return queryset.filter(
                Exists(variants.filter(stock__gt=0, stock__lte=LOW_STOCK_THRESHOLD))
            )
        if self.value() == "option_out":
            return queryset.filter(Exists(variants.filter(stock=0)))
        if self.value() == "sold_out":
            return queryset.filter(stock_total__lte=0)
        return queryset


_ONE_LINE_JSON = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 28})}}


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ["sku", "options", "price_minor", "compare_at_minor", "stock", "position"]
    formfield_overrides = _ONE_LINE_JSON  # options are short: {"Color": "Red"}

    def get_queryset(self, request):
        # Each row prints the variant's name, which reads its product's title.
        return super().get_queryset(request).select_related("product")


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ["preview", "image", "alt", "position", "source_url"]
    readonly_fields = ["preview"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="preview")
    def preview(self, obj: ProductImage) -> str:
        return _thumbnail(obj.thumbnail_url, 96) if obj.pk else "—"


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "title",
        "seller",
        "market",
        "category",
        "status",
        "price",
        "stock_total",
        "sold_count",
        "updated_at",
    ]
    list_display_links = ["thumbnail", "title"]
    list_filter = [
        "status",
        "market",
        "category",
        "seller",
        FirstPartyFilter,
        ProductStockFilter,
    ]
    search_fields = ["title", "handle", "variants__sku", "seller__name", "seller__slug"]
    list_select_related = ["seller", "market", "category"]
    list_per_page = 50
    autocomplete_fields = ["seller"]
    readonly_fields = ["market", "price", "stock_total", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["seller", "market", "title", "handle", "status", "category"]}),
        ("Listing", {"fields": ["description", "tags", "vendor", "option_names"]}),
        ("Creators", {"fields": ["commission_rate_bp"]}),
        (
            "Computed from the variants",
            {"fields": ["price", "stock_total", "sold_count", "created_at", "updated_at"]},
        ),
    ]
    inlines = [VariantInline, ProductImageInline]
    actions = ["activate", "archive"]
    formfield_overrides = _ONE_LINE_JSON

    def get_queryset(self, request):
        # One query for every row's first picture, however many rows the page shows.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "images",
                    queryset=ProductImage.objects.order_by("position", "id"),
                    to_attr="admin_images",
                )
            )
        )

    @admin.display(description="")
    def thumbnail(self, obj: Product) -> str:
        images = getattr(obj, "admin_images", None)
        return _thumbnail(images[0].thumbnail_url if images else "")

    @admin.display(description="price", ordering="price_minor")
    def price(self, obj: Product) -> str:
        if obj.pk is None:
            return "—"
        text = format_money(obj.price_minor, obj.market.currency)
        if obj.compare_at_minor:
            text += f" (was {format_money(obj.compare_at_minor, obj.market.currency)})"
        return text

    def save_model(self, request, obj: Product, form, change) -> None:
        obj.market_id = obj.seller.market_id  # denormalised for the listing's filter
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is ProductImage:
            for image_form in formset.forms:
                image = image_form.instance
                if "image" in image_form.changed_data and image.pk and image.image:
                    _thumbnail_refresh(image)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        product_refresh_summary(product=form.instance)

    @admin.action(description="Activate selected products (those with variants)")
    def activate(self, request, queryset):
        sellable = queryset.exclude(status=ProductStatus.ACTIVE).filter(
            Exists(Variant.objects.filter(product=OuterRef("pk")))
        )
        n = sellable.update(status=ProductStatus.ACTIVE, updated_at=timezone.now())
        skipped = queryset.filter(variants__isnull=True).count()
        self.message_user(request, f"{n} product(s) activated.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request, f"{skipped} product(s) have no variant and stay as they are.",
                messages.WARNING,
            )  # fmt: skip

    @admin.action(description="Archive selected products")
    def archive(self, request, queryset):
        n = queryset.exclude(status=ProductStatus.ARCHIVED).update(
            status=ProductStatus.ARCHIVED, updated_at=timezone.now()
        )
        self.message_user(request, f"{n} product(s) archived.", messages.SUCCESS)


def _thumbnail_refresh(image: ProductImage) -> None:
    """An image uploaded in the admin gets its thumbnail like any other."""
    image.image.open("rb")
    try:
        data = image.image.read()
    finally:
        image.image.close()
    stem = image.image.name.rsplit("/", 1)[-1].rsplit(".", 1)[0][:60]
    image.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(make_thumbnail(data)), save=False)
    image.save(update_fields=["thumbnail"])


# --- Stock per variant ------------------------------------------------------------------


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


# --- Deals ------------------------------------------------------------------------------


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


# Orders, payments, refunds, returns, holds; payouts (approve, retry, the weekly run).
from . import admin_orders, admin_payouts  # noqa: E402, F401
