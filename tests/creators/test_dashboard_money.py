"""Dashboard money: rollups that always equal a rebuild from the commissions (accrual,
partial and full refunds), the cached summary dropped when commissions change, payout
statements (another creator's is a 404), offers answered by POST with CSRF, and query
counts that stay the same however many commissions a creator has."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from creators.dashboard import dashboard_summary
from creators.dashboard_rollups import rollups_rebuild
from creators.models import CreatorDayStats, CreatorVideoStats, PlanStatus, TargetedPlan
from creators.services.commissions import settlement_run
from creators.services.plans import plan_offer
from shop.models import Payout
from shop.services.payouts import payouts_build
from shop.services.refunds import order_refund
from tests.creators.dashboard_support import make_creator, make_video, sell
from tests.factories import ProductFactory, SellerFactory
from tests.shop import orders_support
from tests.shop.orders_support import ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


def _rollups():
    days = CreatorDayStats.objects.values_list(
        "creator_id", "day", "currency", "orders", "gross_minor", "amount_minor", "reversed_minor"
    )
    videos = CreatorVideoStats.objects.values_list(
        "creator_id",
        "video_id",
        "currency",
        "orders",
        "gross_minor",
        "amount_minor",
        "reversed_minor",
    )
    return sorted(days), sorted(videos)


def test_rollups_follow_accruals_and_refunds_exactly(casey, us):
    video = make_video(casey)
    first = sell(casey, video=video, price=2000, quantity=2)
    sell(casey, price=1500, buyer="b2", key="k2")  # no video: an affiliate-style tap
    line = first.lines.get()
    ship_and_deliver(first)
    with orders_support.committed():
        order_refund(order_id=first.pk, lines={line.pk: 1}, reason="one broke")
    live = _rollups()
    assert live[0][0][3:] == (2, 5500, 550, 200)  # half of the first line refunded
    rollups_rebuild()
    assert _rollups() == live
    with orders_support.committed():
        order_refund(order_id=first.pk, full=True, reason="all")
    live = _rollups()
    rollups_rebuild()
    assert _rollups() == live
    assert dict((v[1], v[6]) for v in live[1])[video.pk] == 400


def test_summary_is_cached_and_dropped_when_a_commission_changes(casey):
    video = make_video(casey)
    sell(casey, video=video)
    assert dashboard_summary(casey)["totals"]["orders"] == 1
    sell(casey, video=video, buyer="b2", key="k2")
    assert dashboard_summary(casey)["totals"]["orders"] == 2
    assert dashboard_summary(casey)["totals"]["pending_minor"] == 400


def _paid_out(creator):
    order = sell(creator, price=20000)
    ship_and_deliver(order, now=timezone.now() - timedelta(days=40))
    settlement_run()
    with orders_support.committed():
        payouts_build()
    return Payout.objects.get(payee_type="creator", payee_id=creator.pk)


def test_payouts_and_statements_are_the_creators_own(client, casey, us):
    payout = _paid_out(casey)
    client.force_login(casey.user)
    page = client.get("/creator/")
    assert page.context["totals"]["paid_minor"] + page.context["totals"]["in_payout_minor"] == 2000
    url = f"/creator/payouts/{payout.pk}/statement.csv"
    assert url in page.content.decode()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "Total paid" in response.content.decode()
    dana = make_creator(us, "dana")
    client.force_login(dana.user)
    assert client.get(url).status_code == 404


@pytest.fixture
def offer(casey, us):
    seller = SellerFactory(market=us, name="GlowLab")
    product = ProductFactory(seller=seller, title="Vitamin C drops")
    return plan_offer(seller=seller, creator=casey, products=[product], rate_bp=2000)


def test_accept_an_offer(client, casey, offer):
    client.force_login(casey.user)
    page = client.get("/creator/").content.decode()
    assert "GlowLab offers you" in page and "Vitamin C drops" in page
    response = client.post(f"/creator/offers/{offer.pk}/accept/", follow=True)
    assert "You accepted GlowLab" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == PlanStatus.ACCEPTED
    again = client.post(f"/creator/offers/{offer.pk}/decline/", follow=True)
    assert "no longer open" in again.content.decode()
    assert TargetedPlan.objects.get().status == PlanStatus.ACCEPTED


def test_decline_needs_post_csrf_and_the_creators_own_offer(casey, offer, us):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(casey.user)
    url = f"/creator/offers/{offer.pk}/decline/"
    assert csrf_client.post(url).status_code == 403
    assert csrf_client.get(url).status_code == 405
    other = Client()
    other.force_login(make_creator(us, "dana").user)
    assert other.post(url).status_code == 404
    ok = Client()
    ok.force_login(casey.user)
    response = ok.post(url, follow=True)
    assert "You declined GlowLab" in response.content.decode()
    assert TargetedPlan.objects.get().status == PlanStatus.DECLINED


def _queries_for(client, url, counter, limit):
    with counter(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 12])
def test_query_counts_do_not_grow_with_commissions(
    client, casey, offer, n, django_assert_num_queries
):
    video = make_video(casey)
    for i in range(n):
        sell(casey, video=video, buyer=f"b{i}", key=f"k{i}")
    client.force_login(casey.user)
    # Cold: user, creator, the markets (their cache is empty in tests), the summary from the
    # rollups (7), offers and their products, latest commissions, payouts, and the header's
    # seller link and cart badge; the page is then cached. (The session is the cache's.)
    _queries_for(client, "/creator/", django_assert_num_queries, 16)
    # Warm: the user; the session, the cart badge, the creator and the page are cached.
    _queries_for(client, "/creator/", django_assert_num_queries, 1)
    # User, one page of commissions, the header's seller link (the cart badge is cached).
    _queries_for(client, "/creator/commissions/", django_assert_num_queries, 3)
