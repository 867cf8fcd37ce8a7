"""Feed pages over HTTP: modes, cursors that never repeat or skip, reasons, query counts."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from creators.feed import store
from creators.feed.cards import cards_forget
from creators.feed.feeds import pools_refresh
from creators.models import Creator, FeedProfile, Follow, Video, VideoProduct, VideoStatus
from marketplace.markets import markets_by_code
from tests.factories import CategoryFactory, ProductFactory, SellerFactory, UserFactory
from tests.factories import ensure_markets as _ensure_markets

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_keys(settings):
    """Pools and sessions under a prefix of this test's own (Redis is shared)."""
    settings.FEED_KEY_PREFIX = f"test-feed:{uuid.uuid4().hex[:8]}:"
    store.forget_local_memo()
    yield
    client = store.redis_client()
    if client is not None:
        keys = list(client.scan_iter(f"{settings.FEED_KEY_PREFIX}*", count=500))
        if keys:
            client.delete(*keys)


class World:
    """A small market: creators, categories, products and published videos."""

    def __init__(self):
        self.markets = _ensure_markets()
        self.seller = SellerFactory(market=self.markets["US"])
        self.cooking = CategoryFactory(slug="cooking", name="Cooking")
        self.beauty = CategoryFactory(slug="beauty", name="Beauty")
        self.creators: list[Creator] = []
        self._n = 0

    def creator(self, handle: str) -> Creator:
        user = UserFactory(username=f"cr-{handle}", market=self.markets["US"])
        c = Creator.objects.create(
            user=user, handle=handle, display_name=handle.title(), market=self.markets["US"]
        )
        self.creators.append(c)
        return c

    def product(self, *, stock=10, category=None, price=1299):
        return ProductFactory(
            seller=self.seller,
            category=category or self.beauty,
            variants=[{"price_minor": price, "stock": stock}],
        )

    def video(self, creator, *, category=None, products=(), hours_ago=1.0, **counts) -> Video:
        self._n += 1
        video = Video.objects.create(
            creator=creator,
            market=self.markets["US"],
            caption=f"Clip {self._n}",
            hashtags="demo",
            category=category,
            status=VideoStatus.PUBLISHED,
            file=f"videos/{creator.pk}/clip{self._n}.mp4",
            poster=f"videos/{creator.pk}/clip{self._n}.jpg",
            duration_ms=8000,
            published_at=timezone.now() - timedelta(hours=hours_ago),
            **counts,
        )
        for i, p in enumerate(products, start=1):
            VideoProduct.objects.create(video=video, product=p, position=i)
        return video


@pytest.fixture
def world():
    return World()


def viewer(world, name="viewer"):
    return UserFactory(username=name, market=world.markets["US"])


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def fill(world, n=30, creators=6):
    people = [world.creator(f"maker{i}") for i in range(creators)]
    cats = [world.cooking, world.beauty]
    videos = [
        world.video(
            people[i % creators],
            category=cats[i % 2],
            hours_ago=1 + i,
            view_count=100 * (i + 1),
            like_count=7 * (i + 1),
            completion_count=40 * (i + 1),
        )
        for i in range(n)
    ]
    pools_refresh(market_codes=["US"], force=True)
    return videos


def page_through(client, url, *, between=None, limit=200):
    seen, pages = [], 0
    while url and pages < limit:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
        pages += 1
        if between:
            between(pages)
    return seen


def publish_more(world, count=2):
    def between(page):
        for _ in range(count):
            world.video(world.creators[0], category=world.cooking, hours_ago=0)

    return between


def test_popular_mode_pages_never_repeat_or_skip_while_videos_are_published(world):
    videos = fill(world, n=40)
    client = client_for()
    ids = page_through(client, "/api/feed/?mode=popular&page_size=7", between=publish_more(world))
    assert len(ids) == len(set(ids)), "a video came twice"
    assert set(ids) == {v.id for v in videos}, "a video present at the start was skipped"


def test_popular_mode_survives_a_pool_rebuild_mid_session(world):
    videos = fill(world, n=25)
    client = client_for()

    def rebuild(page):
        world.video(world.creators[1], hours_ago=0, view_count=90_000, like_count=80_000)
        pools_refresh(market_codes=["US"], force=True)

    ids = page_through(client, "/api/feed/?mode=popular&page_size=4", between=rebuild)
    assert len(ids) == len(set(ids))
    assert set(ids) == {v.id for v in videos}


def test_newest_mode_pages_never_repeat_or_skip(world):
    videos = fill(world, n=23)
    ids = page_through(
        client_for(), "/api/feed/?mode=newest&page_size=5", between=publish_more(world)
    )
    assert ids == [v.id for v in sorted(videos, key=lambda v: (v.published_at, v.id), reverse=True)]


def test_following_feed_pages_never_repeat_or_skip(world):
    videos = fill(world, n=24, creators=4)
    me = viewer(world)
    followed = world.creators[:2]
    for c in followed:
        Follow.objects.create(follower=me, creator=c)
    ids = page_through(
        client_for(me), "/api/feed/following/?page_size=5", between=publish_more(world)
    )
    expected = [v.id for v in videos if v.creator in followed]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(expected)
    reasons = client_for(me).get("/api/feed/following/").json()["results"][0]["reasons"]
    assert reasons[0]["code"] in {"following", "following_new"}


def test_for_you_pages_never_repeat_while_videos_are_published(world):
    videos = fill(world, n=45)
    me = viewer(world)
    ids = page_through(client_for(me), "/api/feed/?page_size=6", between=publish_more(world, 1))
    assert len(ids) == len(set(ids))
    # Everything that existed at the start is reached: pools first, then the rest.
    assert {v.id for v in videos} <= set(ids)


def test_anonymous_viewers_get_the_non_personalised_feed(world):
    fill(world, n=8)
    body = client_for().get("/api/feed/").json()
    assert body["mode"] == "popular"
    assert body["results"][0]["reasons"] == [{"code": "popular", "text": "Popular in US"}]


def test_a_new_viewer_gets_popular_videos_with_reasons(world):
    makers = [world.creator(f"m{i}") for i in range(5)]
    hits = {
        world.video(makers[i % 5], view_count=20_000, like_count=4000, completion_count=9000).pk
        for i in range(10)
    }
    for i in range(20):
        world.video(makers[i % 5], view_count=2000, like_count=40, completion_count=300)
    pools_refresh(market_codes=["US"], force=True)
    body = client_for(viewer(world)).get("/api/feed/?page_size=10").json()
    assert body["mode"] == "foryou"
    main = [i for i in body["results"] if i["reasons"][0]["code"] != "explore"]
    assert len(main) >= 6 and all(i["id"] in hits for i in main)
    assert all(i["reasons"] == [{"code": "popular", "text": "Popular in US"}] for i in main)


def test_for_you_follows_the_viewers_interests(world):
    fill(world, n=40)
    me = viewer(world)
    FeedProfile.objects.create(user=me, categories={str(world.cooking.pk): 12.0})
    body = client_for(me).get("/api/feed/?page_size=20").json()
    main = [i for i in body["results"] if i["reasons"][0]["code"] != "explore"]
    cooking = [i for i in main if i["category_id"] == world.cooking.pk]
    assert len(cooking) >= len(main) * 0.7
    assert {"code": "category", "text": "Because you watched cooking videos"} in [
        r for i in cooking for r in i["reasons"]
    ]


def test_remembered_popular_mode_applies_without_a_mode_parameter(world):
    fill(world, n=6)
    me = viewer(world)
    FeedProfile.objects.create(user=me, mode="popular")
    assert client_for(me).get("/api/feed/").json()["mode"] == "popular"
    # Again with the state cached, where a first page reads it with its For You slice.
    assert client_for(me).get("/api/feed/").json()["mode"] == "popular"
    assert client_for(me).get("/api/feed/?mode=foryou").json()["mode"] == "foryou"
    assert client_for(me).get("/api/feed/?mode=newest").json()["mode"] == "newest"


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


def test_sold_out_video_sinks_in_the_popular_pool(world):
    maker = world.creator("seller")
    stocked = world.product(stock=5)
    gone = world.product(stock=0)
    good = world.video(maker, products=[stocked], view_count=5000, like_count=300)
    sold_out = world.video(maker, products=[gone], view_count=5000, like_count=400)
    weak = world.video(maker, view_count=5000, like_count=100)
    pools_refresh(market_codes=["US"], force=True)
    ids = [i["id"] for i in client_for().get("/api/feed/?mode=popular").json()["results"]]
    assert ids.index(sold_out.pk) > ids.index(weak.pk) > ids.index(good.pk)


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


def test_a_reload_continues_the_queue_instead_of_repeating(world):
    fill(world, n=40)
    client = client_for(viewer(world))
    first = client.get("/api/feed/?page_size=5").json()
    second = client.get(first["next"]).json()
    reload = client.get("/api/feed/?page_size=5").json()
    ids = lambda body: {i["id"] for i in body["results"]}  # noqa: E731
    assert len(ids(reload)) == 5
    assert not ids(reload) & (ids(first) | ids(second))
    # The old cursor (another tab) still works, and never repeats its own pages.
    third = client.get(second["next"]).json()
    assert len(ids(third)) == 5 and not ids(third) & (ids(first) | ids(second))


def test_only_one_request_ranks_a_sessions_next_batch(world):
    from creators.feed import sessions
    from creators.feed.cursors import decode

    fill(world, n=12)
    me = viewer(world)
    token = client_for(me).get("/api/feed/?page_size=5").json()["cursor"]
    sid = decode(token, mode="foryou", viewer_id=me.pk)["s"]
    meta, length, ids = sessions.extend_begin(sid)
    assert len(ids) == length > 0
    assert sessions.extend_begin(sid) is None  # held: a second ranker waits
    sessions.extend_commit(sid, [], meta, 0, 5)
    assert sessions.extend_begin(sid) is not None  # released
    assert sessions.extend_begin("no-such-session") in (None, sessions.EXPIRED)


def test_a_full_session_gives_way_to_a_new_one(world, monkeypatch):
    from creators.feed import foryou, sessions

    fill(world, n=30)
    monkeypatch.setattr(sessions, "MAX_ENTRIES", 12)
    monkeypatch.setattr(foryou, "GENERATE", 5)
    client = client_for(viewer(world))
    bodies = [client.get("/api/feed/?page_size=5").json() for _ in range(5)]
    assert all(len(b["results"]) == 5 for b in bodies)


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


def test_the_queue_is_topped_up_before_it_runs_out(world, monkeypatch):
    from creators.feed import foryou, sessions
    from creators.feed.cursors import decode

    fill(world, n=40)
    monkeypatch.setattr(foryou, "GENERATE", 10)
    monkeypatch.setattr(foryou, "LOW_WATER", 6)
    me = viewer(world)
    client = client_for(me)
    first = client.get("/api/feed/?page_size=5").json()
    sid = decode(first["cursor"], mode="foryou", viewer_id=me.pk)["s"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 5
    meta, length, _ = sessions.extend_begin(sid)
    # 10 ranked, 10 served, none left < 6: the second page ranked the next 10 already.
    assert length == 20
    sessions.extend_commit(sid, [], meta, 0, 1)


@pytest.mark.parametrize("size", [3, 7])
def test_popular_mode_continues_past_a_small_pool_without_repeats_or_gaps(world, monkeypatch, size):
    from creators.feed import pools

    monkeypatch.setattr(pools, "POPULAR_N", 6)
    videos = fill(world, n=31)  # pools rebuilt with the small popular pool
    ids = page_through(client_for(), f"/api/feed/?mode=popular&page_size={size}")
    assert len(ids) == len(set(ids)) == 31
    assert set(ids) == {v.id for v in videos}
    reasons = client_for().get("/api/feed/?mode=popular&page_size=10").json()["results"]
    assert {r["reasons"][0]["code"] for r in reasons} == {"popular", "newest"}


def test_product_page_shows_the_videos_that_feature_it(world):
    from django.test import Client

    maker = world.creator("reviewer")
    product = world.product(stock=5)
    featured = [world.video(maker, products=[product], view_count=10 * i) for i in range(3)]
    world.video(maker)  # tags nothing
    hidden = world.video(maker, products=[product])
    Video.objects.filter(pk=hidden.pk).update(status=VideoStatus.REMOVED)
    html = Client().get(product.get_absolute_url()).content.decode()
    assert "Featured in" in html
    links = [f'href="/?v={v.pk}"' for v in reversed(featured)]  # most watched first
    positions = [html.index(link) for link in links]
    assert positions == sorted(positions)
    assert f'href="/?v={hidden.pk}"' not in html
    # A product no video features has no such section.
    lonely = world.product()
    assert "Featured in" not in Client().get(lonely.get_absolute_url()).content.decode()


@pytest.mark.parametrize("mode", ["popular", "newest", "foryou"])
def test_a_shared_link_starts_the_feed_at_that_video(world, mode):
    videos = fill(world, n=12)
    shared = videos[7]
    client = client_for(viewer(world))
    body = client.get(f"/api/feed/?mode={mode}&v={shared.pk}&page_size=5").json()
    first = body["results"][0]
    assert first["id"] == shared.pk
    assert first["reasons"] == [{"code": "shared", "text": "Opened from a link"}]
    assert [i["id"] for i in body["results"]].count(shared.pk) == 1


def test_a_cursor_keeps_its_mode_after_the_viewer_switches(world):
    fill(world, n=20)
    me = viewer(world)
    client = client_for(me)
    first = client.get("/api/feed/?page_size=5").json()
    assert first["mode"] == "foryou"
    FeedProfile.objects.update_or_create(user=me, defaults={"mode": "popular"})
    from creators.feed.viewer import viewer_forget

    viewer_forget(me.pk)
    assert client.get("/api/feed/").json()["mode"] == "popular"
    assert client.get(first["next"]).json()["mode"] == "foryou"


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
    ids = page_through(client_for(), "/api/feed/?mode=popular&page_size=3")
    assert sorted(ids) == sorted(v.id for v in videos)


def test_the_feed_page_renders_videos_chips_and_reasons_without_javascript(world):
    from django.test import Client

    maker = world.creator("chef")
    product = world.product(stock=2)
    video = world.video(maker, category=world.cooking, products=[product])
    pools_refresh(market_codes=["US"], force=True)
    response = Client().get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="/media/{video.file.name}"' in html and "controls" in html
    assert f'href="/t/{video.pk}/{product.pk}/"' in html and "Only 2 left" in html
    assert "Why this video?" in html and "Popular in US" in html
    assert 'aria-current="page">For You' in html
    assert response.cookies["vid"].value  # the visitor id taps are attributed to


def test_the_popular_switch_is_remembered(world):
    from django.test import Client

    fill(world, n=4)
    me = viewer(world)
    client = Client()
    client.force_login(me)
    assert 'aria-pressed="false"' in client.get("/").content.decode()  # For You
    response = client.post("/feed/mode/", {"mode": "popular", "next": "/"})
    assert response.status_code == 302 and response.cookies["feed_mode"].value == "popular"
    assert FeedProfile.objects.get(user=me).mode == "popular"
    assert 'aria-pressed="true"' in client.get("/").content.decode()
    other_device = Client()
    other_device.force_login(me)  # no cookie there: the profile remembers
    assert 'aria-pressed="true"' in other_device.get("/").content.decode()
    client.post("/feed/mode/", {"mode": "foryou"})
    assert 'aria-pressed="false"' in client.get("/").content.decode()
