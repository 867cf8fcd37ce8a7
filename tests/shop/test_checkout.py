import pytest
from django.core import mail

from marketplace.models import OutboxEvent
from shop.errors import CheckoutDisabled, InsufficientStock, PaymentFailed
from shop.models import Order, OrderStatus, Payment, PaymentStatus, StockHold, Variant
from shop.payments import CardDetails
from shop.services.checkout import Address, LineRequest, checkout_place
from tests.factories import DealFactory, ProductFactory, UserFactory, ensure_markets

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]

GOOD = CardDetails("4242424242424242", 12, 2030, "123")
ADDRESS = Address("Ada Shopper", "1 Main St", "Springfield", "12345", "US")


@pytest.fixture
def markets():
    markets = ensure_markets()
    us = markets["US"]
    us.shipping_standard_minor, us.shipping_express_minor = 499, 1299
    us.save()
    return markets


@pytest.fixture
def buyer(markets):
    return UserFactory(username="buyer", market=markets["US"])


def place(buyer, market, lines, card=GOOD, key="k1", option="standard"):
    return checkout_place(
        buyer=buyer,
        market=market,
        lines=[LineRequest(v, q) for v, q in lines],
        address=ADDRESS,
        shipping_option=option,
        card=card,
        idempotency_key=key,
    )


def test_one_order_per_seller_paid_by_one_payment(buyer, markets):
    a = ProductFactory(variants=[{"price_minor": 1000, "stock": 5}]).variants.get()
    b = ProductFactory(variants=[{"price_minor": 250, "stock": 5}]).variants.get()
    checkout = place(buyer, markets["US"], [(a.pk, 2), (b.pk, 1)])

    orders = list(Order.objects.filter(checkout=checkout).order_by("seller_id"))
    assert len(orders) == 2
    assert [o.status for o in orders] == [OrderStatus.PAID, OrderStatus.PAID]
    assert [o.total_minor for o in orders] == [2000 + 499, 250 + 499]
    payment = Payment.objects.get(checkout=checkout)
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.amount_minor == checkout.total_minor == 2000 + 250 + 2 * 499
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")
    assert Variant.objects.get(pk=a.pk).stock == 3
    assert a.product.__class__.objects.get(pk=a.product_id).sold_count == 2
    assert not StockHold.objects.filter(converted_at__isnull=True).exists()
    assert OutboxEvent.objects.filter(name="order.paid").count() == 2
    # A confirmation to the shopper and a new-order note to each seller.
    assert sorted(m.subject.split()[0] for m in mail.outbox) == ["New", "New", "Your", "Your"]


def test_line_snapshots_price_deal_fee_and_seller(buyer, markets):
    product = ProductFactory(variants=[{"price_minor": 2000, "stock": 9}])
    product.commission_rate_bp = 1500
    product.save()
    variant = product.variants.get()
    deal = DealFactory(variant=variant, price_minor=1500, quantity_cap=2)
    place(buyer, markets["US"], [(variant.pk, 3)])
    line = Order.objects.get().lines.get()
    assert (line.unit_price_minor, line.deal_price_minor, line.deal_units) == (2000, 1500, 2)
    assert line.gross_minor == 2 * 1500 + 2000
    assert (line.referral_fee_bp, line.commission_rate_bp) == (600, 1500)
    assert line.seller_id == product.seller_id
    deal.refresh_from_db()
    assert deal.quantity_sold == 2


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4000000000000002", "card_declined"),
        ("4000000000009995", "insufficient_funds"),
        ("4000000000000119", "processing_error"),
    ],
)
def test_declines_leave_no_paid_order_and_no_stock_held(buyer, markets, number, code):
    variant = ProductFactory(variants=[{"stock": 4}]).variants.get()
    deal = DealFactory(variant=variant, quantity_cap=5)
    with pytest.raises(PaymentFailed) as err:
        place(buyer, markets["US"], [(variant.pk, 3)], card=CardDetails(number, 1, 2031, "1"))
    assert err.value.code == code and err.value.status == 402
    assert not Order.objects.exclude(status=OrderStatus.CANCELLED).exists()
    assert Variant.objects.get(pk=variant.pk).stock == 4
    deal.refresh_from_db()
    assert deal.quantity_sold == 0
    assert not StockHold.objects.filter(released_at__isnull=True).exists()
    assert not OutboxEvent.objects.filter(name="order.paid").exists()


def test_insufficient_stock_names_the_variant_and_changes_nothing(buyer, markets):
    plenty = ProductFactory(variants=[{"stock": 9}]).variants.get()
    scarce = ProductFactory(variants=[{"stock": 1}]).variants.get()
    with pytest.raises(InsufficientStock) as err:
        place(buyer, markets["US"], [(plenty.pk, 2), (scarce.pk, 2)])
    assert err.value.details == {"variant_id": scarce.pk, "available": 1}
    assert Variant.objects.get(pk=plenty.pk).stock == 9
    assert not Order.objects.exists()


def test_checkout_switched_off_in_market_charges_nothing(markets):
    buyer = UserFactory(market=markets["ID"])
    with pytest.raises(CheckoutDisabled):
        place(buyer, markets["ID"], [(1, 1)])
    assert not Payment.objects.exists()


def test_card_number_never_reaches_the_database(buyer, markets):
    from django.db import connection

    variant = ProductFactory().variants.get()
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        place(buyer, markets["US"], [(variant.pk, 1)])
    assert not any("4242424242424242" in q["sql"] for q in ctx.captured_queries)
    assert "4242424242424242" not in repr(GOOD)


def test_placing_an_order_costs_the_same_queries_for_1_or_6_lines(buyer, markets):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shop.services.checkout import _hold

    seller = ProductFactory().seller
    counts = []
    for n in (1, 6):
        variants = [ProductFactory(seller=seller).variants.get() for _ in range(n)]
        DealFactory(variant=variants[0])
        with CaptureQueriesContext(connection) as ctx:
            _hold(
                buyer=buyer,
                market=markets["US"],
                lines=[LineRequest(v.pk, 1) for v in variants],
                address=ADDRESS,
                shipping_option="standard",
            )
        counts.append(len(ctx.captured_queries))
    # Locks on variants, deals and products; three updates; checkout, order, status,
    # lines, holds and payment inserts (plus BEGIN where the driver reports it).
    assert counts[0] == counts[1] <= 14, counts
