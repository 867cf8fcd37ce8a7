"""For You over HTTP: pages that never repeat, popular picks for a new viewer, the viewer's
interests, and the session's queue (reloads, one ranker at a time, top-ups, full sessions)."""

from __future__ import annotations

import pytest

from creators.feed.feeds import pools_refresh
from creators.models import FeedProfile
from tests.creators.feed_support import client_for, fill, page_through, publish_more, viewer

pytestmark = pytest.mark.django_db


def test_for_you_pages_never_repeat_while_videos_are_published(world):
    videos = fill(world, n=45)
    me = viewer(world)
    ids = page_through(client_for(me), "/api/feed/?page_size=6", between=publish_more(world, 1))
    assert len(ids) == len(set(ids))
    # Everything that existed at the start is reached: pools first, then the rest.
    assert {v.id for v in videos} <= set(ids)


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


def test_a_full_session_gives_way_to_a_new_one(world, monkeypatch):
    from creators.feed import foryou, sessions

    fill(world, n=30)
    monkeypatch.setattr(sessions, "MAX_ENTRIES", 12)
    monkeypatch.setattr(foryou, "GENERATE", 5)
    client = client_for(viewer(world))
    bodies = [client.get("/api/feed/?page_size=5").json() for _ in range(5)]
    assert all(len(b["results"]) == 5 for b in bodies)
