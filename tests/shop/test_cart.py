import pytest
from django.urls import reverse

from shop.cart.selectors import cart_view
from shop.errors import InsufficientStock, NotAvailableInMarket
from shop.models import Cart, CartLine, ProductStatus
from shop.pricing import line_price
from shop.services.cart import cart_add, cart_merge, cart_set_quantity
from tests.factories import (
    DealFactory,
    MarketFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(markets):
    return Cart.objects.create(market=markets["US"])


def test_add_accumulates_and_is_capped_by_stock(cart):
    variant = ProductFactory(variants=[{"stock": 3}]).variants.get()
    cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    with pytest.raises(InsufficientStock) as err:
        cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    assert err.value.details == {"variant_id": variant.pk, "available": 3}
    assert CartLine.objects.get(cart=cart).quantity == 2
    line = cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    assert line.quantity == 3


def test_sold_out_and_invisible_variants_cannot_be_added(cart):
    sold_out = ProductFactory(variants=[{"stock": 0}]).variants.get()
    with pytest.raises(InsufficientStock, match="sold out"):
        cart_add(cart=cart, variant_id=sold_out.pk)
    draft = ProductFactory(status=ProductStatus.DRAFT).variants.get()
    with pytest.raises(NotAvailableInMarket):
        cart_add(cart=cart, variant_id=draft.pk)
    gb = ProductFactory(seller=SellerFactory(market=MarketFactory(code="GB"))).variants.get()
    with pytest.raises(NotAvailableInMarket):
        cart_add(cart=cart, variant_id=gb.pk)
    assert not cart.lines.exists()


def test_set_quantity_zero_removes(cart):
    variant = ProductFactory().variants.get()
    line = cart_add(cart=cart, variant_id=variant.pk, quantity=2)
    assert cart_set_quantity(cart=cart, line_id=line.pk, quantity=0) is None
    assert not cart.lines.exists()


def test_deal_price_applies_only_to_units_the_deal_has_left(cart):
    variant = ProductFactory(variants=[{"price_minor": 1000, "stock": 10}]).variants.get()
    deal = DealFactory(variant=variant, price_minor=700, quantity_cap=5, quantity_sold=3)
    price = line_price(variant=variant, quantity=4, deal=deal)
    assert (price.deal_units, price.total, price.saving) == (2, 2 * 700 + 2 * 1000, 600)


def test_guest_cart_merges_into_user_cart_on_sign_in(client, markets):
    a = ProductFactory(variants=[{"stock": 5}]).variants.get()
    b = ProductFactory(variants=[{"stock": 5}]).variants.get()
    user = UserFactory(username="merger", market=markets["US"])
    user_cart = Cart.objects.create(user=user, market=markets["US"])
    cart_add(cart=user_cart, variant_id=a.pk, quantity=4)

    client.post(reverse("cart-add"), {"variant": a.pk, "quantity": 3})
    client.post(reverse("cart-add"), {"variant": b.pk, "quantity": 1})
    assert Cart.objects.filter(user__isnull=True).count() == 1

    response = client.post(reverse("login"), {"username": "merger", "password": "pass-12345"})
    assert response.status_code == 302
    quantities = dict(user_cart.lines.values_list("variant_id", "quantity"))
    assert quantities == {a.pk: 5, b.pk: 1}  # 4 + 3 capped at the 5 in stock
    assert not Cart.objects.filter(user__isnull=True).exists()


def test_merge_skips_lines_that_sold_out(markets):
    variant = ProductFactory(variants=[{"stock": 2}]).variants.get()
    guest = Cart.objects.create(market=markets["US"])
    cart_add(cart=guest, variant_id=variant.pk, quantity=2)
    variant.stock = 0
    variant.save()
    target = Cart.objects.create(user=UserFactory(), market=markets["US"])
    cart_merge(source=guest, target=target)
    assert not target.lines.exists()


def test_cart_page_shows_lines_grouped_by_seller_with_subtotal(client, markets):
    p1 = ProductFactory(title="Snail serum", variants=[{"price_minor": 1299, "stock": 4}])
    p2 = ProductFactory(title="Bamboo brush", variants=[{"price_minor": 500, "stock": 4}])
    client.post(reverse("cart-add"), {"variant": p1.variants.get().pk, "quantity": 2})
    client.post(reverse("cart-add"), {"variant": p2.variants.get().pk, "quantity": 1})
    page = client.get(reverse("cart")).content.decode()
    assert "Snail serum" in page and "Bamboo brush" in page
    assert p1.seller.name in page and p2.seller.name in page
    assert "$30.98" in page  # 2 × 12.99 + 5.00


def test_add_over_stock_shows_a_message_and_adds_nothing(client, markets):
    variant = ProductFactory(variants=[{"stock": 1}]).variants.get()
    response = client.post(reverse("cart-add"), {"variant": variant.pk, "quantity": 3}, follow=True)
    assert "Only 1 left." in response.content.decode()
    assert not CartLine.objects.exists()


def test_a_line_id_from_another_cart_is_not_found(client, markets):
    other = Cart.objects.create(market=markets["US"])
    variant = ProductFactory().variants.get()
    line = cart_add(cart=other, variant_id=variant.pk)
    client.post(reverse("cart-add"), {"variant": variant.pk, "quantity": 1})
    client.post(reverse("cart-line-remove", args=[line.pk]))
    assert CartLine.objects.filter(pk=line.pk).exists()


@pytest.mark.parametrize("n", [1, 6])
def test_cart_view_query_count_is_constant(cart, n, django_assert_num_queries):
    for _ in range(n):
        cart_add(cart=cart, variant_id=ProductFactory(variants=[{}, {}]).variants.first().pk)
    # cart + market, lines with variant/product/seller/market, images, live deals
    with django_assert_num_queries(4):
        view = cart_view(cart=Cart.objects.select_related("market").get(pk=cart.pk))
        assert len(view.rows) == n
