from datetime import timedelta

import pytest
from django.utils import timezone

from shop.errors import ProductNotFound
from shop.models import ProductStatus
from shop.selectors import deal_list_live, product_detail, product_list
from tests.factories import (
    DealFactory,
    MarketFactory,
    ProductFactory,
    SellerFactory,
)

pytestmark = pytest.mark.django_db


def test_only_active_products_of_the_market_are_listed(markets):
    shown = ProductFactory(title="Snail serum")
    ProductFactory(title="Draft serum", status=ProductStatus.DRAFT)
    ProductFactory(title="Archived serum", status=ProductStatus.ARCHIVED)
    gb = SellerFactory(market=MarketFactory(code="GB"))
    ProductFactory(title="British serum", seller=gb)
    inactive = SellerFactory()
    inactive.is_active = False
    inactive.save()
    ProductFactory(title="Banned seller serum", seller=inactive)

    assert [p.title for p in product_list(market_code="US", search="serum")] == [shown.title]


def test_search_matches_every_term_in_title_description_or_tags(markets):
    a = ProductFactory(title="Glow serum", tags="skincare, vitamin c")
    ProductFactory(title="Glow lamp", description="A lamp")
    result = list(product_list(market_code="US", search="GLOW vitamin"))
    assert result == [a]


def test_sorts(markets):
    cheap = ProductFactory(variants=[{"price_minor": 500}])
    dear = ProductFactory(variants=[{"price_minor": 9000}])
    dear.sold_count = 50
    dear.save()
    assert list(product_list(market_code="US", sort="price_asc")) == [cheap, dear]
    assert list(product_list(market_code="US", sort="price_desc")) == [dear, cheap]
    assert list(product_list(market_code="US", sort="popular")) == [dear, cheap]
    assert list(product_list(market_code="US", sort="newest")) == [dear, cheap]


def test_expired_and_used_up_deals_stop_applying_by_themselves(markets):
    live = DealFactory()
    DealFactory(ends_at=timezone.now() - timedelta(minutes=1))
    DealFactory(quantity_cap=3, quantity_sold=3)
    DealFactory(starts_at=timezone.now() + timedelta(hours=1))
    assert deal_list_live(market_code="US") == [live]


def test_product_detail_offers_carry_the_live_deal_price(markets):
    product = ProductFactory(variants=[{"price_minor": 2000}, {"price_minor": 2500}])
    first = product.variants.order_by("position").first()
    DealFactory(variant=first, price_minor=1500)
    detail = product_detail(product_id=product.pk, market_code="US")
    prices = [(o.price_minor, o.compare_at_minor) for o in detail.offers]
    assert prices == [(1500, 2000), (2500, None)]


def test_product_detail_hides_other_markets(markets):
    product = ProductFactory()
    with pytest.raises(ProductNotFound):
        product_detail(product_id=product.pk, market_code="GB")
