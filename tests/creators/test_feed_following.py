"""Following pages from the creators' lists in Redis: the same pages as the keyset query,
truncated lists handed back to it, lists dropped when a video changes, and a build that
raced a change not stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from creators.feed import following as F
from creators.feed import store
from creators.models import Follow, Video, VideoStatus
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


@pytest.fixture
def scene(make_creator):
    now = timezone.now()
    makers = [make_creator(f"mk{i}") for i in range(4)]
    videos = []
    for i in range(30):
        creator = makers[i % 4]
        videos.append(
            Video.objects.create(
                creator=creator,
                market=creator.market,
                caption=f"v{i}",
                status=VideoStatus.PUBLISHED,
                published_at=now - timedelta(minutes=i // 3),  # ties across creators
                file=f"videos/{i}.mp4",
            )
        )
    me = UserFactory(username="fan")
    for c in makers[:3]:
        Follow.objects.create(follower=me, creator=c)
    client = APIClient()
    client.force_authenticate(me)
    followed = {c.pk for c in makers[:3]}
    expected = sorted(
        (v for v in videos if v.creator_id in followed),
        key=lambda v: (v.published_at, v.id),
        reverse=True,
    )
    return {"me": me, "client": client, "makers": makers, "expected": [v.id for v in expected]}


def _walk(client, size):
    url, ids = f"/api/feed/following/?page_size={size}", []
    while url:
        body = client.get(url).json()
        ids += [i["id"] for i in body["results"]]
        url = body["next"]
    return ids


def _calls(monkeypatch):
    """Counts pages answered from Redis and by the keyset query."""
    seen = {"redis": 0, "sql": 0}
    read, keyset = F.read, __import__("creators.feed.pages", fromlist=["x"]).keyset_rows

    def counting_read(*args, **kwargs):
        got = read(*args, **kwargs)
        seen["redis" if got and got[1] is not None else "sql"] += 1
        return got

    monkeypatch.setattr("creators.feed.pages.F.read", counting_read)
    monkeypatch.setattr("creators.feed.pages.keyset_rows", keyset)
    return seen


@pytest.mark.parametrize("size", [1, 4, 7, 30])
def test_pages_from_redis_are_the_keyset_order(scene, size, monkeypatch):
    assert _walk(scene["client"], size) == scene["expected"]  # cold: state built
    seen = _calls(monkeypatch)
    assert _walk(scene["client"], size) == scene["expected"]
    assert seen["sql"] == 0


@pytest.mark.parametrize("size", [2, 5])
def test_a_truncated_list_hands_deep_pages_to_the_keyset_query(scene, size, monkeypatch):
    monkeypatch.setattr(F, "RECENT_N", 3)
    seen = _calls(monkeypatch)
    scene["client"].get("/api/feed/following/")  # viewer state cached
    assert _walk(scene["client"], size) == scene["expected"]
    assert seen["redis"] >= 1 and seen["sql"] >= 1


def test_following_many_creators_uses_the_keyset_query(scene, monkeypatch):
    monkeypatch.setattr(F, "MERGE_MAX", 2)
    seen = _calls(monkeypatch)
    scene["client"].get("/api/feed/following/")
    assert _walk(scene["client"], 4) == scene["expected"]
    assert seen["redis"] == 0


def test_a_new_or_removed_video_shows_on_the_next_first_page(scene):
    client, maker = scene["client"], scene["makers"][0]
    client.get("/api/feed/following/")
    first = client.get("/api/feed/following/").json()["results"][0]["id"]
    new = Video.objects.create(
        creator=maker,
        market=maker.market,
        caption="new",
        status=VideoStatus.PUBLISHED,
        published_at=timezone.now(),
        file="videos/new.mp4",
    )
    assert client.get("/api/feed/following/").json()["results"][0]["id"] == new.id
    new.status = VideoStatus.REMOVED
    new.save()
    assert client.get("/api/feed/following/").json()["results"][0]["id"] == first


def test_a_build_that_raced_a_change_is_not_stored(scene, monkeypatch):
    maker = scene["makers"][0]
    real = F.newest_per_creator

    def stale_read(creators, n):
        rows = real(creators, n)
        F.recent_forget(maker.pk)  # a video changed while the build was reading
        return rows

    monkeypatch.setattr(F, "newest_per_creator", stale_read)
    F.recent_build([maker.pk])
    assert not store.redis_client().exists(f"{store.prefix()}recent:{maker.pk}")
    monkeypatch.setattr(F, "newest_per_creator", real)
    F.recent_build([maker.pk])
    assert store.redis_client().exists(f"{store.prefix()}recent:{maker.pk}")


def test_members_order_as_the_keyset_does():
    rows = [(5, 100), (7, 100), (6, 99), (1, 2_000_000_000_000_000)]
    ordered = sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    assert sorted(rows, key=lambda r: F.member(r[1], r[0])) == ordered
    assert [F.unmember(F.member(us, v)) for v, us in rows] == rows
