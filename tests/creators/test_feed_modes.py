"""Popular, Newest and Following pages over HTTP that never repeat or skip, and which mode
a page is in: anonymous, remembered, opened from a shared link, or the cursor's own."""

from __future__ import annotations

import pytest

from creators.feed.feeds import pools_refresh
from creators.models import FeedProfile, Follow
from tests.creators.feed_support import client_for, fill, page_through, publish_more, viewer

pytestmark = pytest.mark.django_db


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


def test_anonymous_viewers_get_the_non_personalised_feed(world):
    fill(world, n=8)
    body = client_for().get("/api/feed/").json()
    assert body["mode"] == "popular"
    assert body["results"][0]["reasons"] == [{"code": "popular", "text": "Popular in US"}]


def test_remembered_popular_mode_applies_without_a_mode_parameter(world):
    fill(world, n=6)
    me = viewer(world)
    FeedProfile.objects.create(user=me, mode="popular")
    assert client_for(me).get("/api/feed/").json()["mode"] == "popular"
    # Again with the state cached, where a first page reads it with its For You slice.
    assert client_for(me).get("/api/feed/").json()["mode"] == "popular"
    assert client_for(me).get("/api/feed/?mode=foryou").json()["mode"] == "foryou"
    assert client_for(me).get("/api/feed/?mode=newest").json()["mode"] == "newest"


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
