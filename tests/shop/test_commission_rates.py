from datetime import timedelta

import pytest
from django.utils import timezone

from shop.errors import InvalidCommissionRate
from shop.models import Product, ProductStatus
from shop.services.catalog import commission_cuts_apply, product_commission_set
from tests.factories import ProductFactory, ensure_markets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _markets():
    ensure_markets()


def test_a_raise_applies_at_once():
    product = ProductFactory(commission_rate_bp=1000)
    product_commission_set(product=product, rate_bp=1200)
    assert product.commission_rate_at(timezone.now()) == 1200


def test_a_cut_applies_30_days_later_to_the_second():
    now = timezone.now()
    product = ProductFactory(commission_rate_bp=1000)
    product_commission_set(product=product, rate_bp=600, now=now)
    assert product.commission_rate_at(now + timedelta(days=30) - timedelta(seconds=1)) == 1000
    assert product.commission_rate_at(now + timedelta(days=30)) == 600


def test_a_second_cut_restarts_the_notice_and_the_same_cut_does_not():
    now = timezone.now()
    product = ProductFactory(commission_rate_bp=1000)
    product_commission_set(product=product, rate_bp=800, now=now)
    product_commission_set(product=product, rate_bp=800, now=now + timedelta(days=10))
    assert product.commission_rate_next_at == now + timedelta(days=30)
    product_commission_set(product=product, rate_bp=500, now=now + timedelta(days=10))
    assert product.commission_rate_next_at == now + timedelta(days=40)


def test_a_draft_can_be_cut_at_once():
    product = ProductFactory(commission_rate_bp=1000, status=ProductStatus.DRAFT)
    product_commission_set(product=product, rate_bp=300)
    assert (product.commission_rate_bp, product.commission_rate_next_bp) == (300, None)


@pytest.mark.parametrize("rate", [99, 8001])
def test_out_of_range_is_refused(rate):
    with pytest.raises(InvalidCommissionRate):
        product_commission_set(product=ProductFactory(), rate_bp=rate)


def test_due_cuts_become_the_standing_rate():
    now = timezone.now()
    due = ProductFactory(commission_rate_bp=1000)
    later = ProductFactory(commission_rate_bp=1000)
    product_commission_set(product=due, rate_bp=500, now=now - timedelta(days=31))
    product_commission_set(product=later, rate_bp=500, now=now)
    assert commission_cuts_apply(now=now) == 1
    due, later = Product.objects.get(pk=due.pk), Product.objects.get(pk=later.pk)
    assert (due.commission_rate_bp, due.commission_rate_next_bp) == (500, None)
    assert (later.commission_rate_bp, later.commission_rate_next_bp) == (1000, 500)
