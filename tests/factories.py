"""factory_boy factories shared by every test package."""

from datetime import timedelta

import factory
from django.utils import timezone

from marketplace.models import Market, User
from shop.models import Category, Deal, Product, ProductStatus, Seller, Variant

DEFAULT_MARKETS = [
    ("US", "United States", "USD", True),
    ("GB", "United Kingdom", "GBP", True),
    ("JP", "Japan", "JPY", True),
    ("ID", "Indonesia", "IDR", False),
]


def ensure_markets() -> dict[str, Market]:
    out = {}
    for pos, (code, name, cur, checkout) in enumerate(DEFAULT_MARKETS):
        out[code], _ = Market.objects.get_or_create(
            code=code,
            defaults={"name": name, "currency": cur, "checkout_enabled": checkout, "position": pos},
        )
    return out


class MarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Market
        django_get_or_create = ("code",)

    code = "US"
    name = "United States"
    currency = "USD"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pass-12345")
    market = factory.SubFactory(MarketFactory)


class SellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seller

    slug = factory.Sequence(lambda n: f"seller-{n}")
    name = factory.Sequence(lambda n: f"Seller {n}")
    owner = factory.SubFactory(UserFactory)
    market = factory.SubFactory(MarketFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.replace("-", " ").title())


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    seller = factory.SubFactory(SellerFactory)
    market = factory.LazyAttribute(lambda p: p.seller.market)
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"Product {n}")
    handle = factory.Sequence(lambda n: f"product-{n}")
    description = "A fine product."
    status = ProductStatus.ACTIVE

    @factory.post_generation
    def variants(self, create, extracted, **kwargs):
        """``ProductFactory(variants=[{"price_minor": 999, "stock": 3}, ...])``; default one."""
        if not create:
            return
        from shop.services.catalog import product_refresh_summary

        specs = extracted if extracted is not None else [{}]
        for i, spec in enumerate(specs, start=1):
            VariantFactory(product=self, position=i, **spec)
        product_refresh_summary(product=self)


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    product = factory.SubFactory(ProductFactory, variants=[])
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    price_minor = 1999
    stock = 10


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    variant = factory.SubFactory(VariantFactory)
    price_minor = factory.LazyAttribute(lambda d: d.variant.price_minor * 7 // 10)
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=5))
    quantity_cap = 20
