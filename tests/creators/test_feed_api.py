"""The feed API's items and errors: the item's shape, product chips that follow price and
stock, refused cursors and viewers, vanished pools, and queries per page.

Pages and modes: test_feed_foryou.py, test_feed_modes.py; the HTML: test_feed_pages.py.
The set-up lives in feed_support.py."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from creators.feed import store
from creators.feed.cards import cards_forget, cards_refresh
from creators.feed.feeds import pools_refresh
from creators.models import Creator, FeedProfile, Follow, Video, VideoProduct, VideoStatus
from marketplace.markets import markets_by_code
from tests.creators.feed_support import client_for, fill, page_through, viewer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_item_shape_products_and_tap_links(world):
    maker = world.creator("chef")
    low = world.product(stock=3, price=1299)
    gone = world.product(stock=0)
    video = world.video(maker, category=world.cooking, products=[low, gone])
    pools_refresh(market_codes=["US"], force=True)
    item = client_for().get(f"/api/feed/?v={video.pk}").json()["results"][0]
    assert item["id"] == video.pk
    assert item["video_url"].startswith("http://testserver/media/videos/")
    assert item["poster_url"].endswith(".jpg")
    assert item["creator"] == {
        "id": maker.pk,
        "handle": "chef",
        "name": "Chef",
        "avatar_url": "",
        "url": "http://testserver/@chef/",
    }
    assert set(item["counts"]) == {"views", "likes", "shares", "completions"}
    first, second = item["products"]
    assert first["id"] == low.pk and first["price"] == "12.99" and first["currency"] == "USD"
    assert first["in_stock"] is True and first["stock_label"] == "Only 3 left"
    assert first["url"] == f"http://testserver/t/{video.pk}/{low.pk}/"
    assert second["in_stock"] is False and second["stock_label"] == "Sold out"


def test_cards_follow_price_and_stock_changes(world):
    maker = world.creator("shop")
    product = world.product(stock=10, price=1000)
    video = world.video(maker, products=[product])
    pools_refresh(market_codes=["US"], force=True)
    url = f"/api/feed/?v={video.pk}&mode=newest"
    assert client_for().get(url).json()["results"][0]["products"][0]["price"] == "10.00"
    from shop.services.catalog import variant_set_stock

    variant = product.variants.get()
    variant.price_minor = 800
    variant.save()
    variant_set_stock(variant=variant, stock=0)  # saves the product: cards are dropped
    chip = client_for().get(url).json()["results"][0]["products"][0]
    assert chip["price"] == "8.00" and chip["in_stock"] is False


@pytest.mark.parametrize("url", ["/api/feed/following/", "/api/feed/?mode=newest"])
def test_a_card_rewritten_in_place_shows_on_the_next_page(world, url):
    """The fold rewrites a card without dropping it first; each worker remembers cards by
    their stamp, so the next page must still show what changed."""
    maker = world.creator("counted")
    video = world.video(maker)
    me = viewer(world)
    Follow.objects.create(follower=me, creator=maker)
    pools_refresh(market_codes=["US"], force=True)
    client = client_for(me)

    def views():
        return client.get(url).json()["results"][0]["counts"]["views"]

    assert views() == views() == 0  # the second from the worker's memory (Redis: by stamp)
    Video.objects.filter(pk=video.pk).update(view_count=1234)
    cards_refresh([video.pk])
    assert views() == 1234


def test_bad_cursor_is_a_400_with_a_code(world):
    fill(world, n=3)
    response = client_for().get("/api/feed/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_cursor"


def test_a_cursor_cannot_be_replayed_by_another_viewer(world):
    fill(world, n=12)
    alice, bob = viewer(world, "alice"), viewer(world, "bob")
    cursor = client_for(alice).get("/api/feed/?page_size=3").json()["cursor"]
    response = client_for(bob).get(f"/api/feed/?cursor={cursor}")
    assert response.status_code == 400 and response.json()["code"] == "invalid_cursor"


def test_following_needs_a_signed_in_viewer(world):
    response = client_for().get("/api/feed/following/")
    assert response.status_code in (401, 403)


def test_pools_that_vanish_are_not_an_error(world):
    videos = fill(world, n=8)
    assert client_for().get("/api/feed/?page_size=3").status_code == 200
    version = store.pools_version("US")
    keys = store._pool_key("US", version, "info")
    client = store.redis_client()
    if client is not None:
        client.delete(keys)
    else:
        from django.core.cache import cache

        cache.delete(store._pool_key("US", version))
    store.forget_local_memo()  # as a worker that has not read this version yet
    ids = page_through(client_for(), "/api/feed/?mode=popular&page_size=3")
    assert sorted(ids) == sorted(v.id for v in videos)


@pytest.mark.parametrize("size", [5, 20])
@pytest.mark.parametrize("mode", ["foryou", "popular", "newest", "following"])
def test_queries_per_page_are_constant(world, django_assert_max_num_queries, size, mode):
    fill(world, n=50, creators=5)
    products = [world.product(stock=s) for s in (0, 2, 9)]
    for video in Video.objects.all():
        for p in products:
            VideoProduct.objects.create(video=video, product=p)
    cards_forget(Video.objects.values_list("id", flat=True))
    me = viewer(world)
    for c in world.creators[:4]:
        Follow.objects.create(follower=me, creator=c)
    FeedProfile.objects.create(user=me, categories={str(world.cooking.pk): 5.0}, seen={})
    client = APIClient()
    client.force_login(me)  # a real session: its lookup is part of the count
    markets_by_code()  # the kernel's market cache is warm in any running server
    url = "/api/feed/following/" if mode == "following" else f"/api/feed/?mode={mode}"
    # Cold: cards and viewer state built from the database.
    with django_assert_max_num_queries(6):
        first = client.get(f"{url}{'&' if '?' in url else '?'}page_size={size}").json()
    assert len(first["results"]) == size
    # Warm, next page: the hot path.
    with django_assert_max_num_queries(6):
        second = client.get(first["next"]).json()
    assert len(second["results"]) == size
    assert not {i["id"] for i in first["results"]} & {i["id"] for i in second["results"]}


def test_token_clients_read_their_own_market_with_no_query_once_warm(
    world, django_assert_num_queries
):
    from rest_framework.authtoken.models import Token

    fill(world, n=6)  # US videos
    jp_maker = Creator.objects.create(
        user=UserFactory(username="jp-maker", market=world.markets["JP"]),
        handle="tokyo",
        display_name="Tokyo",
        market=world.markets["JP"],
    )
    jp_video = Video.objects.create(
        creator=jp_maker,
        market=world.markets["JP"],
        status=VideoStatus.PUBLISHED,
        file="videos/jp.mp4",
        published_at=timezone.now(),
    )
    pools_refresh(market_codes=["US", "JP"], force=True)
    me = UserFactory(username="hanako", market=world.markets["JP"])
    client = APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=me).key}")
    body = client.get("/api/feed/?mode=popular").json()
    assert [i["id"] for i in body["results"]] == [jp_video.pk]
    assert body["results"][0]["reasons"][0]["text"] == "Popular in JP"
    with django_assert_num_queries(0):  # token, viewer, pools and cards all cached
        assert client.get("/api/feed/?mode=popular&page_size=1").status_code == 200
