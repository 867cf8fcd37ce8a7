"""The dashboard served from what was computed before the request: the cached page changes
as soon as what it shows does (a commission, an offer made or answered, a seller profile),
each visitor gets their own CSRF token and messages, a warm visit costs only the user and
the cart badge (the session is read from the cache), and the money API's cached token
still ends for a revoked token once its short-lived lookup expires."""

import re
import uuid

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from creators.dashboard_page import creator_for_user
from creators.feed import store
from creators.feed.auth import CachedTokenAuthentication
from creators.services.plans import plan_offer
from shop import documents
from tests.creators.dashboard_support import make_video, sell
from tests.factories import ProductFactory, SellerFactory
from tests.shop import orders_support

markets = orders_support.markets

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

URL = "/creator/"


@pytest.fixture
def signed_in(client, casey):
    client.force_login(casey.user)
    return client


def _page(client, url=URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_commission_shows_on_the_cached_page(signed_in, casey, django_assert_num_queries):
    video = make_video(casey)
    first = sell(casey, video=video, price=2500)
    page = _page(signed_in)
    assert first.number in page and "$25.00" in page
    # Warm: the user; the session, the cart badge and the page are the cache's.
    with django_assert_num_queries(1):
        assert _tokenless(_page(signed_in)) == _tokenless(page)
    second = sell(casey, video=video, price=4000, buyer="b2", key="k2")
    page = _page(signed_in)
    assert first.number in page and second.number in page
    assert "$65.00" in page  # the GMV card: both sales


def _tokenless(page: str) -> str:
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "<csrf>", page)


def _csrf(page: str) -> str:
    start = page.index('name="csrfmiddlewaretoken" value="') + len(
        'name="csrfmiddlewaretoken" value="'
    )
    return page[start : page.index('"', start)]


def test_every_chart_metric_is_cached_and_dropped(signed_in, casey):
    video = make_video(casey)
    sell(casey, video=video)
    for metric in ("orders", "taps", "gmv_minor", "earned_minor"):
        assert f'href="?chart={metric}#db-chart-title" aria-current="page"' in _page(
            signed_in, f"{URL}?chart={metric}"
        )
    sell(casey, video=video, buyer="b2", key="k2", price=9900)
    assert "$119.00" in _page(signed_in, f"{URL}?chart=orders")  # GMV: 20 + 99
    # Any other query is drawn every time, with the same page.
    assert "$119.00" in _page(signed_in, f"{URL}?chart=orders&utm=x")


@pytest.fixture
def glowlab(us):
    return SellerFactory(market=us, name="GlowLab")


def test_an_offer_made_and_accepted_shows_at_once(signed_in, casey, glowlab):
    assert "GlowLab" not in _page(signed_in)
    product = ProductFactory(seller=glowlab, title="Vitamin C drops")
    with orders_support.committed():
        offer = plan_offer(seller=glowlab, creator=casey, products=[product], rate_bp=2000)
    page = _page(signed_in)
    assert "GlowLab offers you" in page and "Vitamin C drops" in page
    assert documents.CSRF_MARK not in page
    with orders_support.committed():
        assert signed_in.post(f"/creator/offers/{offer.pk}/accept/").status_code == 302
    page = _page(signed_in)
    assert "You accepted GlowLab" in page  # the message, filled into the cached page
    assert "GlowLab offers you" not in page and "Accepted</span>" in page
    assert "You accepted GlowLab" not in _page(signed_in)  # shown once


def test_each_visitor_gets_their_own_csrf_token(casey, glowlab):
    product = ProductFactory(seller=glowlab, title="Vitamin C drops")
    with orders_support.committed():
        plan_offer(seller=glowlab, creator=casey, products=[product], rate_bp=2000)
    one, two = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    one.force_login(casey.user)
    two.force_login(casey.user)
    first, second = _page(one), _page(two)  # the second is served from the cache
    assert _csrf(first) != _csrf(second)
    assert documents.CSRF_MARK not in second and documents.EMPTY_BADGE in second


def test_becoming_a_seller_shows_in_the_cached_header(signed_in, casey, us):
    assert "Seller center" not in _page(signed_in)
    with orders_support.committed():
        SellerFactory(market=us, owner=casey.user)
    assert "Seller center" in _page(signed_in)


def test_a_deactivated_creator_is_told_so(signed_in, casey):
    _page(signed_in)
    casey.is_active = False
    with orders_support.committed():
        casey.save(update_fields=["is_active"])
    assert creator_for_user(casey.user_id).is_active is False
    assert signed_in.get(URL).status_code == 403


def test_a_new_static_build_redraws_the_cached_page(signed_in, casey, monkeypatch):
    """The page names hashed static files: one cached under another build is redrawn."""
    from creators import dashboard_page

    drawn = []
    real = dashboard_page._document

    def counted(*args, **kwargs):
        drawn.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_page, "_document", counted)
    monkeypatch.setattr(dashboard_page, "static_build", lambda: "build-a")
    _page(signed_in)
    _page(signed_in)
    assert len(drawn) == 1
    monkeypatch.setattr(dashboard_page, "static_build", lambda: "build-b")
    _page(signed_in)
    assert len(drawn) == 2


def test_the_money_api_token_lookup_is_cached_and_a_revoked_token_ends(
    casey, settings, django_assert_max_num_queries
):
    sell(casey)
    token = Token.objects.create(user=casey.user)
    key = token.key
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/creator/dashboard/").status_code == 200
    with django_assert_max_num_queries(0):  # token, creator and summary: all cached
        assert api.get("/api/creator/dashboard/").json()["totals"]["orders"] == 1
    token.delete()
    # Within the lookup's lifetime (a minute) the revoked token still reads...
    assert api.get("/api/creator/dashboard/").status_code == 200
    # ...and once it has expired (a fresh prefix, the worker's copy gone), it is refused.
    settings.FEED_KEY_PREFIX = f"test-money:{uuid.uuid4().hex[:8]}:"
    store.forget_local_memo()
    CachedTokenAuthentication._local.pop(key, None)
    response = api.get("/api/creator/dashboard/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
