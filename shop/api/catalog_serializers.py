"""Output serializers for the shopper's catalog: product cards, product detail, deals.

Every serializer reads only what the selectors fetched (``image_list``, ``offers``, the
select_related seller, category and market), so a page costs the same queries for any size.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Category, Deal, ProductImage, Seller
from .fields import MoneyField, absolute, image_urls, product_path


class CatalogSellerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Seller
        fields = ("slug", "name")
        read_only_fields = fields


class CatalogCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("slug", "name")
        read_only_fields = fields


class ProductCardSerializer(serializers.Serializer):
    """One product in a listing."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text="The product's HTML page")
    price = MoneyField(source="price_minor", currency="market.currency", help_text="From price")
    price_minor = serializers.IntegerField(read_only=True)
    currency = serializers.CharField(source="market.currency", read_only=True)
    compare_at_price = MoneyField(
        source="compare_at_minor", currency="market.currency", allow_null=True
    )
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()
    seller = CatalogSellerSerializer(read_only=True)
    category = CatalogCategorySerializer(read_only=True, allow_null=True)
    sold_count = serializers.IntegerField(read_only=True)
    in_stock = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str | None:
        return absolute(self.context.get("request"), product_path(product))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_image(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[0]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[1]

    def get_in_stock(self, product) -> bool:
        return product.stock_total > 0


class ImageSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ("id", "url", "thumbnail", "alt", "position")
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, image) -> str | None:
        return absolute(self.context.get("request"), image.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail(self, image) -> str | None:
        return absolute(self.context.get("request"), image.thumbnail_url)


class LiveDealSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    price = MoneyField(source="price_minor")
    price_minor = serializers.IntegerField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    remaining = serializers.IntegerField(read_only=True, help_text="Units left at this price")


class VariantOfferSerializer(serializers.Serializer):
    """A variant with the price a shopper pays now (``selectors.VariantOffer``)."""

    id = serializers.IntegerField(source="variant.id", read_only=True)
    sku = serializers.CharField(source="variant.sku", read_only=True)
    options = serializers.DictField(
        source="variant.options", child=serializers.CharField(), read_only=True
    )
    price = MoneyField(source="price_minor", help_text="What the shopper pays now")
    price_minor = serializers.IntegerField(read_only=True)
    compare_at_price = MoneyField(
        source="compare_at_minor",
        allow_null=True,
        help_text="The struck-through price: the regular price under a deal",
    )
    regular_price = MoneyField(source="variant.price_minor")
    deal = LiveDealSerializer(read_only=True, allow_null=True)
    stock = serializers.IntegerField(source="variant.stock", read_only=True)
    in_stock = serializers.BooleanField(read_only=True)


class ProductDetailSerializer(ProductCardSerializer):
    description = serializers.CharField(read_only=True)
    tags = serializers.ListField(source="tag_list", child=serializers.CharField(), read_only=True)
    vendor = serializers.CharField(read_only=True)
    option_names = serializers.ListField(child=serializers.CharField(), read_only=True)
    images = ImageSerializer(source="image_list", many=True, read_only=True)
    variants = VariantOfferSerializer(source="offers", many=True, read_only=True)


class DealVariantSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    sku = serializers.CharField(read_only=True)
    options = serializers.DictField(child=serializers.CharField(), read_only=True)
    # Declared fields leave the class body (DRF's metaclass), so this does not replace
    # Field.label; type checkers cannot know that.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]


class DealProductSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    thumbnail = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, product) -> str | None:
        return absolute(self.context.get("request"), product_path(product))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_image(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[0]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_thumbnail(self, product) -> str | None:
        return image_urls(self.context.get("request"), product)[1]


class DealSerializer(serializers.ModelSerializer):
    """A live deal: the variant, its product, the deal price against the regular price."""

    _currency = "variant.product.market.currency"

    deal_price = MoneyField(source="price_minor", currency=_currency)
    deal_price_minor = serializers.IntegerField(source="price_minor", read_only=True)
    regular_price = MoneyField(source="variant.price_minor", currency=_currency)
    regular_price_minor = serializers.IntegerField(source="variant.price_minor", read_only=True)
    currency = serializers.CharField(source="variant.product.market.currency", read_only=True)
    variant = DealVariantSerializer(read_only=True)
    product = DealProductSerializer(source="variant.product", read_only=True)
    remaining = serializers.IntegerField(read_only=True, help_text="Units left at this price")

    class Meta:
        model = Deal
        fields = (
            "id",
            "deal_price",
            "deal_price_minor",
            "regular_price",
            "regular_price_minor",
            "currency",
            "starts_at",
            "ends_at",
            "remaining",
            "variant",
            "product",
        )
        read_only_fields = fields
