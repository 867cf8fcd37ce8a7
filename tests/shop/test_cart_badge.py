"""A signed-in shopper's cart badge comes from the cache and follows every cart write:
adding, changing, removing, a guest cart merged at sign-in, and a checkout emptying it."""

import pytest

from shop.cart_badge import badge_count
from shop.models import Cart
from shop.services.cart import cart_add, cart_merge, cart_remove, cart_set_quantity
from tests.factories import ProductFactory, UserFactory, ensure_markets

pytestmark = pytest.mark.django_db


@pytest.fixture
def us():
    return ensure_markets()["US"]


def test_badge_follows_cart_writes_and_is_cached(us, django_assert_num_queries):
    user = UserFactory(market=us)
    a = ProductFactory(variants=[{"stock": 9}]).variants.get()
    b = ProductFactory(variants=[{"stock": 9}]).variants.get()
    assert badge_count(user=user, market=us) == 0
    with django_assert_num_queries(0):  # "no cart" is remembered too
        assert badge_count(user=user, market=us) == 0
    cart = Cart.objects.create(user=user, market=us)
    line = cart_add(cart=cart, variant_id=a.pk, quantity=2)
    assert badge_count(user=user, market=us) == 2
    with django_assert_num_queries(0):
        assert badge_count(user=user, market=us) == 2
    cart_set_quantity(cart=cart, line_id=line.pk, quantity=5)
    assert badge_count(user=user, market=us) == 5
    guest = Cart.objects.create(market=us)
    cart_add(cart=guest, variant_id=a.pk, quantity=1)  # merged into the existing line
    cart_add(cart=guest, variant_id=b.pk, quantity=3)
    cart_merge(source=guest, target=cart)
    assert badge_count(user=user, market=us) == 9
    cart_remove(cart=cart, line_id=line.pk)
    assert badge_count(user=user, market=us) == 3
    cart.delete()
    assert badge_count(user=user, market=us) == 0


def test_the_page_header_shows_the_cached_count(client, us):
    user = UserFactory(market=us)
    variant = ProductFactory(variants=[{"stock": 9}]).variants.get()
    client.force_login(user)
    client.get("/cart/")
    cart_add(cart=Cart.objects.create(user=user, market=us), variant_id=variant.pk, quantity=4)
    page = client.get("/cart/").content.decode()
    assert '<span id="cart-badge" class="tab-badge">4<' in page
