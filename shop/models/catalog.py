from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify

from marketplace.money import format_money


class ListingQuerySet(models.QuerySet):
    """Bulk writes to what search results show move the listing generation (shop.cache);
    saves and deletes do it through shop.signals."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        _listing_changed()
        return rows

    def delete(self):
        result = super().delete()
        _listing_changed()
        return result

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        _listing_changed()
        return created

    def bulk_update(self, *args, **kwargs):
        rows = super().bulk_update(*args, **kwargs)
        _listing_changed()
        return rows


def _listing_changed() -> None:
    from shop.cache import listing_changed

    listing_changed()


class Category(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=64)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class ProductQuerySet(ListingQuerySet):
    def visible_in(self, market_code: str) -> "ProductQuerySet":
        """What a shopper may see: active products of active sellers in that market."""
        return self.filter(
            market_id=market_code, status=ProductStatus.ACTIVE, seller__is_active=True
        )


class Product(models.Model):
    seller = models.ForeignKey("shop.Seller", on_delete=models.PROTECT, related_name="products")
    # Denormalised from the seller so the hottest filter needs no join.
    market = models.ForeignKey("marketplace.Market", on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", null=True, blank=True
    )
    title = models.CharField(max_length=200)
    handle = models.SlugField(max_length=200, help_text="Unique per seller; Shopify's Handle")
    description = models.TextField(blank=True, help_text="Plain text or sanitised HTML")
    tags = models.CharField(max_length=500, blank=True, help_text="Comma-separated")
    vendor = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    option_names = models.JSONField(default=list, blank=True, help_text='e.g. ["Color", "Size"]')
    commission_rate_bp = models.PositiveIntegerField(
        default=1000,
        validators=[
            MinValueValidator(settings.COMMISSION_RATE_MIN_BP),
            MaxValueValidator(settings.COMMISSION_RATE_MAX_BP),
        ],
        help_text="Open-plan creator commission in basis points (1000 = 10 %)",
    )
    # A cut announced to creators: it applies from ``commission_rate_next_at`` (30 days'
    # notice); until then ``commission_rate_bp`` stands. A raise applies at once.
    commission_rate_next_bp = models.PositiveIntegerField(null=True, blank=True)
    commission_rate_next_at = models.DateTimeField(null=True, blank=True)
    # Kept in step with the variants by shop.services.catalog.product_refresh_summary, so
    # listing and sorting never aggregate over variants at read time.
    price_minor = models.BigIntegerField(default=0, help_text="Lowest variant price")
    compare_at_minor = models.BigIntegerField(null=True, blank=True)
    stock_total = models.IntegerField(default=0)
    sold_count = models.PositiveIntegerField(default=0)
    search_document = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["seller", "handle"], name="product_handle_per_seller"),
            models.CheckConstraint(
                condition=models.Q(commission_rate_bp__gte=100, commission_rate_bp__lte=8000),
                name="product_commission_1_to_80pct",
            ),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="product_price_non_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["market", "status", "-sold_count"], name="product_popular"),
            models.Index(fields=["market", "status", "-created_at"], name="product_newest"),
            models.Index(fields=["market", "status", "price_minor"], name="product_price"),
            models.Index(fields=["market", "status", "category"], name="product_category"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("product-detail", kwargs={"pk": self.pk, "slug": self.slug})

    def commission_rate_at(self, when) -> int:
        """The open-plan rate in force at ``when``, pending cut included once due."""
        if self.commission_rate_next_at is not None and when >= self.commission_rate_next_at:
            return self.commission_rate_next_bp
        return self.commission_rate_bp

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80] or "product"

    @property
    def currency(self) -> str:
        return self.market.currency

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def build_search_document(self) -> str:
        parts = [self.title, self.description, self.tags, self.vendor]
        return " ".join(p for p in parts if p).lower()


def product_image_path(instance: "ProductImage", filename: str) -> str:
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path, blank=True)
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True, editable=False)
    # Kept when an imported image could not be fetched, so it can still be shown.
    source_url = models.URLField(max_length=1000, blank=True)
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt or f"Image {self.position} of {self.product_id}"

    @property
    def url(self) -> str:
        return self.image.url if self.image else self.source_url

    @property
    def thumbnail_url(self) -> str:
        if self.thumbnail:
            return self.thumbnail.url
        return self.url


class Variant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, blank=True)
    options = models.JSONField(default=dict, blank=True, help_text='e.g. {"Color": "Red"}')
    price_minor = models.BigIntegerField()
    compare_at_minor = models.BigIntegerField(null=True, blank=True)
    stock = models.IntegerField(default=0)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="variant_stock_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="variant_price_non_negative"
            ),
            models.UniqueConstraint(
                fields=["product", "sku"],
                condition=~models.Q(sku=""),
                name="variant_sku_per_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.title} — {self.label}" if self.options else self.product.title

    @property
    def label(self) -> str:
        return " / ".join(str(v) for v in self.options.values()) or "Default"

    def price_display(self, currency: str) -> str:
        return format_money(self.price_minor, currency)
