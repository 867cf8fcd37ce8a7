"""The seller API's serializers: explicit inputs (only what a seller may set) and outputs.

An input serializer names the writable fields and nothing else, so a client that sends
``sold_count``, ``seller``, ``price_minor`` or ``stock_total`` is simply not heard. Amounts
are decimal strings parsed in the seller's market currency (``context["currency"]``).
"""

from __future__ import annotations

from rest_framework import serializers

from ..models import Category, Product, ProductStatus, Variant
from .catalog_serializers import CatalogCategorySerializer, CatalogSellerSerializer, ImageSerializer
from .fields import (
    CommissionRateField,
    MoneyField,
    MoneyInputField,
    absolute,
    image_urls,
    product_path,
)

# What the platform owns or derives: a seller's request never sets these.
PRODUCT_READ_ONLY_FIELDS = (
    "id",
    "seller",
    "market",
    "currency",
    "price",
    "price_minor",
    "compare_at_price",
    "stock_total",
    "sold_count",
    "url",
    "image",
    "thumbnail",
    "created_at",
    "updated_at",
)
VARIANT_READ_ONLY_FIELDS = ("id", "price_minor", "compare_at_minor")


# Outputs ---------------------------------------------------------------------------------


class SellerVariantSerializer(serializers.ModelSerializer):
    price = MoneyField(source="price_minor")
    compare_at_price = MoneyField(source="compare_at_minor", allow_null=True)
    options = serializers.DictField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Variant
        fields = (
            "id",
            "sku",
            "options",
            "price",
            "price_minor",
            "compare_at_price",
            "compare_at_minor",
            "stock",
            "position",
        )
        read_only_fields = fields


class SellerProductSerializer(serializers.ModelSerializer):
    """A seller's product as the seller sees it, any status."""

    seller = CatalogSellerSerializer(read_only=True)
    market = serializers.CharField(source="market_id", read_only=True)
    currency = serializers.CharField(source="market.currency", read_only=True)
    category = CatalogCategorySerializer(read_only=True, allow_null=True)
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    option_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    commission_rate = CommissionRateField(
        source="commission_rate_bp", read_only=True, help_text="Percent offered to creators"
    )
    commission_rate_next = CommissionRateField(
        source="commission_rate_next_bp",
        read_only=True,
        allow_null=True,
        help_text="An announced cut, in force from commission_rate_next_at",
    )
    commission_rate_next_at = serializers.DateTimeField(read_only=True, allow_null=True)
    price = MoneyField(source="price_minor", currency="market.currency")
    compare_at_price = MoneyField(
        source="compare_at_minor", currency="market.currency", allow_null=True
    )
    url = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields: tuple[str, ...] = (
            "id",
            "title",
            "handle",
            "description",
            "tags",
            "vendor",
            "status",
            "category",
            "option_names",
            "commission_rate",
            "commission_rate_bp",
            "commission_rate_next",
            "commission_rate_next_at",
            "price",
            "price_minor",
            "compare_at_price",
            "currency",
            "stock_total",
            "sold_count",
            "market",
            "seller",
            "url",
            "image",
            "thumbnail",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields

    def get_url(self, product) -> str:
        return absolute(self.context.get("request"), product_path(product)) or ""

    def get_image(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[0]

    def get_thumbnail(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[1]


class SellerProductDetailSerializer(SellerProductSerializer):
    variants = SellerVariantSerializer(source="variant_list", many=True, read_only=True)
    images = ImageSerializer(source="image_list", many=True, read_only=True)

    class Meta(SellerProductSerializer.Meta):
        fields = (*SellerProductSerializer.Meta.fields, "variants", "images")
        read_only_fields = fields


# Inputs ----------------------------------------------------------------------------------


class VariantInputSerializer(serializers.Serializer):
    """A variant: price and compare-at price as decimal strings in your market's
    currency, stock, options (keys from the product's option names)."""

    # Context: ``currency``; ``product`` when the variant joins an existing product.

    sku = serializers.CharField(max_length=64, required=False, allow_blank=True)
    options = serializers.DictField(child=serializers.CharField(max_length=100), required=False)
    price = MoneyInputField(source="price_minor")
    compare_at_price = MoneyInputField(source="compare_at_minor", required=False, allow_null=True)
    stock = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    position = serializers.IntegerField(min_value=1, max_value=32_767, required=False)

    def validate_options(self, options: dict) -> dict:
        if len(options) > 3 or any(len(k) > 40 for k in options):
            raise serializers.ValidationError("At most 3 options, names up to 40 characters.")
        return options

    def validate(self, attrs):
        variant = self.instance
        price = attrs.get("price_minor", getattr(variant, "price_minor", None))
        compare_at = attrs.get("compare_at_minor", getattr(variant, "compare_at_minor", None))
        if compare_at is not None and price is not None and compare_at <= price:
            raise serializers.ValidationError(
                {"compare_at_price": ["The compare-at price must be above the price."]}
            )
        product = self.context.get("product")
        if product is not None:
            _check_options(attrs.get("options"), product.option_names, field="options")
            sku = attrs.get("sku")
            if sku:
                clash = Variant.objects.filter(product=product, sku=sku)
                if variant is not None:
                    clash = clash.exclude(pk=variant.pk)
                if clash.exists():
                    raise serializers.ValidationError(
                        {"sku": ["Another variant of this product has this SKU."]}
                    )
        return attrs


def _check_options(options: dict | None, names: list[str], *, field: str) -> None:
    if options and names and not set(options) <= set(names):
        unknown = ", ".join(sorted(set(options) - set(names)))
        raise serializers.ValidationError(
            {field: [f"Unknown option {unknown}; the product's options are {', '.join(names)}."]}
        )


class ProductInputSerializer(serializers.Serializer):
    """What a seller may set on a product. Everything else is the platform's."""

    # Context: ``seller``. PATCH is partial; the instance needs its ``variant_list``.

    title = serializers.CharField(max_length=200)
    handle = serializers.SlugField(
        max_length=200, required=False, help_text="Unique in your shop; made from the title"
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=50_000)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=40
    )
    vendor = serializers.CharField(max_length=120, required=False, allow_blank=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=ProductStatus.choices, required=False)
    option_names = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, max_length=3
    )
    commission_rate = CommissionRateField(
        source="commission_rate_bp",
        required=False,
        help_text="Percent of each sale offered to creators, 1 to 80",
    )

    def validate_handle(self, handle: str) -> str:
        clash = Product.objects.filter(seller=self.context["seller"], handle=handle)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise serializers.ValidationError("Another of your products has this handle.")
        return handle

    def validate_tags(self, tags: list[str]) -> str:
        cleaned = [t.replace(",", " ").strip() for t in tags]
        text = ", ".join(dict.fromkeys(t for t in cleaned if t))
        if len(text) > 500:
            raise serializers.ValidationError("Too many tags (500 characters at most).")
        return text

    def validate(self, attrs):
        if attrs.get("status") == ProductStatus.ACTIVE and not self._has_variants(attrs):
            raise serializers.ValidationError(
                {"status": ["Add a variant with a price before publishing the product."]}
            )
        return attrs

    def _has_variants(self, attrs) -> bool:
        return bool(getattr(self.instance, "variant_list", None))


class ProductCreateInputSerializer(ProductInputSerializer):
    """A new product in your shop, optionally with its variants. It can be published
    (status active) only with at least one variant."""

    # Context: ``seller``, ``currency`` (the seller's market's).

    variants = VariantInputSerializer(  # type: ignore[call-arg]  # ListSerializer takes it
        many=True, required=False, max_length=100
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        variants = attrs.get("variants", [])
        for i, spec in enumerate(variants):
            try:
                _check_options(spec.get("options"), attrs.get("option_names", []), field="options")
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"variants": {i: exc.detail}}) from None
        skus = [v["sku"] for v in variants if v.get("sku")]
        if len(skus) != len(set(skus)):
            raise serializers.ValidationError({"variants": ["Two variants share a SKU."]})
        return attrs

    def _has_variants(self, attrs) -> bool:
        return bool(attrs.get("variants"))
