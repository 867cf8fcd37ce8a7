"""The staff's screens for the catalog: categories and products (variants and images
inline).

The product changelist fetches every row's first picture with one prefetch, so a page
costs the same queries for 10 rows or 100 (pinned in tests/shop/test_admin.py). Every
path that changes variants ends in ``product_refresh_summary``, which keeps the product's
price and stock columns true.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.utils import timezone
from django.utils.html import format_html

from marketplace.money import format_money

from ..models import Category, Product, ProductImage, ProductStatus, Variant
from ..selectors import LOW_STOCK_THRESHOLD
from ..services.catalog import make_thumbnail, product_refresh_summary


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


# --- Categories -------------------------------------------------------------------------


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
