"""The creator money API: dashboard numbers, commissions (status and period filters,
keyset pages, only one's own, read-only), payouts and statements, targeted plans for
creators and sellers with stable error codes, query counts fixed, schema valid."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from creators.models import Commission, CommissionStatus, PlanStatus, TargetedPlan
from creators.services.commissions import settlement_run
from shop.models import Payout
from shop.services.payouts import payouts_build
from tests.creators.dashboard_support import make_creator, make_video, sell
from tests.factories import ProductFactory, SellerFactory, UserFactory
from tests.shop import orders_support
from tests.shop.orders_support import ship_and_deliver

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def api():
    return APIClient()


def test_dashboard_json(api, casey):
    video = make_video(casey, views=500, taps=20)
    sell(casey, video=video, price=2500, rate_bp=1200)
    api.force_authenticate(casey.user)
    body = api.get("/api/creator/dashboard/").json()
    assert body["currency"] == "USD"
    assert body["totals"]["pending_minor"] == 300 and body["totals"]["gmv_minor"] == 2500
    assert body["totals"]["views"] == 500 and body["totals"]["orders"] == 1
    assert len(body["series"]) == 12 and body["series"][-1]["earned_minor"] == 300
    assert body["videos"][0] == {
        "id": video.pk,
        "caption": video.caption,
        "status": "published",
        "views": 500,
        "taps": 20,
        "orders": 1,
        "conversion": 0.05,
        "gmv_minor": 2500,
        "earned_minor": 300,
    }


def test_not_signed_in_or_not_a_creator(api, us):
    assert api.get("/api/creator/dashboard/").json()["code"] == "not_authenticated"
    api.force_authenticate(UserFactory(username="shopper", market=us))
    response = api.get("/api/creator/commissions/")
    assert response.status_code == 403 and response.json()["code"] == "not_a_creator"


def test_commissions_filter_page_and_belong_to_their_creator(api, casey, us):
    orders = [sell(casey, buyer=f"b{i}", key=f"k{i}") for i in range(3)]
    Commission.objects.filter(order=orders[0]).update(
        status=CommissionStatus.AVAILABLE, created_at=timezone.now() - timedelta(days=40)
    )
    api.force_authenticate(casey.user)
    first = api.get("/api/creator/commissions/", {"page_size": 2}).json()
    assert [c["order_number"] for c in first["results"]] == [orders[2].number, orders[1].number]
    item = first["results"][0]
    line = orders[2].lines.get()
    assert item["order_line_id"] == line.pk and item["product_id"] == line.product_id
    assert (item["gross_minor"], item["rate_bp"], item["amount_minor"]) == (2000, 1000, 200)
    assert (item["reversed_minor"], item["net_minor"], item["status"]) == (0, 200, "pending")
    assert item["currency"] == "USD" and item["available_at"] is None
    second = api.get(first["next"]).json()
    assert [c["order_number"] for c in second["results"]] == [orders[0].number]
    status = api.get("/api/creator/commissions/", {"status": "available"}).json()
    assert [c["order_number"] for c in status["results"]] == [orders[0].number]
    since = (timezone.now() - timedelta(days=7)).date().isoformat()
    recent = api.get("/api/creator/commissions/", {"since": since}).json()["results"]
    assert {c["order_number"] for c in recent} == {orders[1].number, orders[2].number}
    until = (timezone.now() - timedelta(days=30)).date().isoformat()
    old = api.get("/api/creator/commissions/", {"until": until}).json()["results"]
    assert [c["order_number"] for c in old] == [orders[0].number]
    bad = api.get("/api/creator/commissions/", {"status": "nope"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert api.get("/api/creator/commissions/", {"cursor": "zz"}).json()["code"] == (
        "invalid_cursor"
    )
    mine = Commission.objects.filter(order=orders[1]).get()
    assert api.get(f"/api/creator/commissions/{mine.pk}/").json()["id"] == mine.pk
    # Read-only: there is nothing to write to.
    assert api.patch(f"/api/creator/commissions/{mine.pk}/", {"rate_bp": 8000}).status_code == 405
    api.force_authenticate(make_creator(us, "dana").user)
    assert api.get("/api/creator/commissions/").json()["results"] == []
    other = api.get(f"/api/creator/commissions/{mine.pk}/")
    assert other.status_code == 404 and other.json()["code"] == "commission_not_found"


def test_payouts_and_statement(api, casey, us):
    order = sell(casey, price=20000)
    ship_and_deliver(order, now=timezone.now() - timedelta(days=40))
    settlement_run()
    with orders_support.committed():
        payouts_build()
    payout = Payout.objects.get(payee_id=casey.pk, payee_type="creator")
    api.force_authenticate(casey.user)
    (item,) = api.get("/api/creator/payouts/").json()["results"]
    assert item["id"] == payout.pk and item["amount_minor"] == 2000
    assert item["statement_url"].endswith(f"/api/creator/payouts/{payout.pk}/statement/")
    csv = api.get(f"/api/creator/payouts/{payout.pk}/statement/")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "Total paid,,,,,20.00" in csv.content.decode()
    api.force_authenticate(make_creator(us, "dana").user)
    assert api.get("/api/creator/payouts/").json()["results"] == []
    for url in (
        f"/api/creator/payouts/{payout.pk}/",
        f"/api/creator/payouts/{payout.pk}/statement/",
    ):
        response = api.get(url)
        assert response.status_code == 404 and response.json()["code"] == "payout_not_found"


def test_targeted_plans_between_a_seller_and_a_creator(api, casey, us):
    seller = SellerFactory(market=us, name="GlowLab")
    mine = [ProductFactory(seller=seller) for _ in range(2)]
    foreign = ProductFactory(seller=SellerFactory(market=us))
    api.force_authenticate(seller.owner)
    bad = api.post(
        "/api/seller/plans/",
        {"creator": "@casey", "product_ids": [mine[0].pk, foreign.pk], "rate_bp": 2000},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_plan"
    nobody = api.post(
        "/api/seller/plans/",
        {"creator": "nobody", "product_ids": [mine[0].pk], "rate_bp": 2000},
        format="json",
    )
    assert nobody.status_code == 404 and nobody.json()["code"] == "creator_not_found"
    made = api.post(
        "/api/seller/plans/",
        {
            "creator": "@Casey",
            "product_ids": [p.pk for p in mine],
            "rate_bp": 2000,
            "status": "accepted",
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    plan = made.json()
    assert plan["status"] == "offered" and plan["creator_handle"] == "casey"  # status read-only
    assert sorted(p["id"] for p in plan["products"]) == sorted(p.pk for p in mine)
    assert [p["id"] for p in api.get("/api/seller/plans/").json()["results"]] == [plan["id"]]

    api.force_authenticate(make_creator(us, "dana").user)
    assert api.get("/api/creator/plans/").json()["results"] == []
    stranger = api.post(f"/api/creator/plans/{plan['id']}/accept/")
    assert stranger.status_code == 404 and stranger.json()["code"] == "plan_not_found"

    api.force_authenticate(casey.user)
    assert [p["id"] for p in api.get("/api/creator/plans/").json()["results"]] == [plan["id"]]
    assert api.post(f"/api/creator/plans/{plan['id']}/accept/").json()["status"] == "accepted"
    again = api.post(f"/api/creator/plans/{plan['id']}/decline/")
    assert again.status_code == 409 and again.json()["code"] == "plan_not_open"

    api.force_authenticate(seller.owner)
    cut = api.post(f"/api/seller/plans/{plan['id']}/rate/", {"rate_bp": 1000}, format="json")
    assert cut.json()["rate_bp"] == 2000 and cut.json()["rate_next_bp"] == 1000
    out_of_range = api.post(
        f"/api/seller/plans/{plan['id']}/rate/", {"rate_bp": 9000}, format="json"
    )
    assert out_of_range.status_code == 400 and out_of_range.json()["code"] == "invalid_plan"
    assert api.post(f"/api/seller/plans/{plan['id']}/withdraw/").json()["status"] == "withdrawn"
    assert TargetedPlan.objects.get().status == PlanStatus.WITHDRAWN
    ended = api.post(f"/api/seller/plans/{plan['id']}/rate/", {"rate_bp": 3000}, format="json")
    assert ended.status_code == 409 and ended.json()["code"] == "plan_not_open"

    other_seller = SellerFactory(market=us)
    api.force_authenticate(other_seller.owner)
    assert api.get(f"/api/seller/plans/{plan['id']}/").json()["code"] == "plan_not_found"
    api.force_authenticate(casey.user)
    assert api.get("/api/seller/plans/").json()["code"] == "not_a_seller"


@pytest.mark.parametrize("n", [1, 12])
def test_query_counts_are_fixed(api, casey, n, django_assert_max_num_queries):
    video = make_video(casey)
    for i in range(n):
        sell(casey, video=video, buyer=f"b{i}", key=f"k{i}")
    api.force_authenticate(casey.user)
    # Cold: the creator, the markets (their cache is empty in tests), the 7 summary reads.
    with django_assert_max_num_queries(9):
        assert api.get("/api/creator/dashboard/").status_code == 200
    with django_assert_max_num_queries(0):  # the creator and the summary are cached
        assert api.get("/api/creator/dashboard/").status_code == 200
    with django_assert_max_num_queries(1):  # one page of commissions
        assert api.get("/api/creator/commissions/").status_code == 200


def test_schema_documents_the_money_endpoints(client):
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for url in (
        "/api/creator/dashboard/",
        "/api/creator/commissions/",
        "/api/creator/payouts/{id}/statement/",
        "/api/creator/plans/{id}/accept/",
        "/api/seller/plans/",
        "/api/seller/plans/{id}/rate/",
    ):
        assert url in paths, url
    params = {p["name"] for p in paths["/api/creator/commissions/"]["get"]["parameters"]}
    assert {"status", "since", "until", "cursor"} <= params


@pytest.mark.parametrize(
    "query",
    ["?until=9999-12-31", "?since=0001-01-01", "?until=2026-13-40", "?since=x"],
)
def test_edited_date_filters_never_500(api, casey, query):
    api.force_authenticate(casey.user)
    response = api.get(f"/api/creator/commissions/{query}")
    assert response.status_code in (200, 400), response.content


@pytest.mark.parametrize(
    "before", ["9999-12-31T23:59:59-14:00_5", "0001-01-01T00:00:00+14:00_5", "x_1", "_"]
)
def test_edited_commission_cursor_shows_the_first_page(client, casey, before):
    client.force_login(casey.user)
    assert client.get("/creator/commissions/", {"before": before}).status_code == 200
