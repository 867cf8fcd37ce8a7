"""POST /api/events/: validation, buffering, and folding exactly once into counters,
likes and viewer interests."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client
from rest_framework.test import APIClient

from creators.feed import buffer, store
from creators.feed.events import MAX_EVENTS
from creators.feed.viewer import viewer_state
from creators.models import EngagementBatch, FeedProfile, ProcessedEvent, Video, VideoLike
from creators.services import engagement
from creators.services.engagement import engagement_fold, engagement_record_purchase
from tests.creators.feed_support import client_for, viewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def clip(world):
    return world.video(world.creator("chef"), category=world.cooking)


def post(client, events, **kwargs):
    return client.post("/api/events/", {"events": events}, format="json", **kwargs)


def ev(n, kind, video, **extra):
    return {
        "id": f"e{n}",
        "type": kind,
        "video": video.pk if hasattr(video, "pk") else video,
        **extra,
    }


def fold_all():
    while True:
        result = engagement_fold()
        if not result or not result.batches:
            return


def test_bad_event_type_is_a_400_with_a_code(clip):
    response = post(client_for(), [ev(1, "view_start", clip), ev(2, "teleport", clip)])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_event_type" and body["index"] == 1
    assert buffer.pending() == 0


def test_too_large_a_batch_is_a_413_with_a_code(clip):
    events = [ev(i, "view_start", clip) for i in range(MAX_EVENTS + 1)]
    response = post(client_for(), events)
    assert response.status_code == 413
    assert response.json()["code"] == "batch_too_large"
    assert buffer.pending() == 0


def test_too_large_a_body_is_a_413(clip):
    events = [ev(i, "view_start", clip, pad="x" * 2000) for i in range(40)]
    response = post(client_for(), events)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


@pytest.mark.parametrize(
    "event, field",
    [
        ({"id": "a b", "type": "view_start", "video": 1}, "id"),
        ({"id": "ok", "type": "view_start", "video": "1"}, "video"),
        ({"id": "ok", "type": "watch", "video": 1, "ms": -5}, "ms"),
        ({"id": "ok", "type": "watch", "video": 1}, "ms"),
        ({"id": "ok", "type": "product_tap", "video": 1}, "product"),
    ],
)
def test_malformed_events_name_the_field(clip, event, field):
    response = post(client_for(), [event])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_event" and response.json()["field"] == field


def test_a_batch_is_buffered_then_folded_into_counters(clip, world):
    me = viewer(world)
    response = post(
        client_for(me),
        [
            ev(1, "view_start", clip),
            ev(2, "watch", clip, ms=4000),
            ev(3, "complete", clip),
            ev(4, "share", clip),
        ],
    )
    assert response.status_code == 202 and response.json() == {"accepted": 4}
    fold_all()
    clip.refresh_from_db()
    assert (clip.view_count, clip.watch_time_ms, clip.completion_count, clip.share_count) == (
        1,
        4000,
        1,
        1,
    )
    profile = FeedProfile.objects.get(user=me)
    assert str(clip.pk) in profile.seen
    assert profile.categories[str(world.cooking.pk)] > 0  # watched to the end


def test_redelivered_events_count_once(clip, world):
    me = viewer(world)
    client = client_for(me)
    batch = [ev(1, "view_start", clip), ev(2, "complete", clip), ev(3, "like", clip)]
    post(client, batch)
    fold_all()
    post(client, batch)  # a retry after a lost response: the same ids
    post(client, batch + [ev(4, "view_start", clip)])
    fold_all()
    clip.refresh_from_db()
    assert (clip.view_count, clip.completion_count, clip.like_count) == (2, 1, 1)
    # Another viewer's "e1" is a different event.
    post(client_for(viewer(world, "other")), [ev(1, "view_start", clip)])
    fold_all()
    clip.refresh_from_db()
    assert clip.view_count == 3


@pytest.mark.redis  # the DB buffer claims and deletes inside the fold's own transaction
def test_a_fold_that_dies_before_acknowledging_is_replayed_exactly_once(clip, world, monkeypatch):
    me = viewer(world)
    post(client_for(me), [ev(1, "view_start", clip), ev(2, "share", clip)])
    monkeypatch.setattr(buffer, "ack_redis", lambda: (_ for _ in ()).throw(ConnectionError()))
    with pytest.raises(ConnectionError):
        engagement_fold()  # applied and committed, but the inflight list is still there
    monkeypatch.undo()
    fold_all()  # finds the inflight batch again
    clip.refresh_from_db()
    assert (clip.view_count, clip.share_count) == (1, 1)
    assert buffer.pending() == 0


def test_a_failed_fold_rolls_back_and_keeps_the_batch(clip, world, monkeypatch):
    post(client_for(viewer(world)), [ev(1, "view_start", clip)])

    def boom(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(engagement, "_update_counters", boom)
    with pytest.raises(RuntimeError):
        engagement_fold()
    monkeypatch.undo()
    assert not ProcessedEvent.objects.exists()
    fold_all()
    clip.refresh_from_db()
    assert clip.view_count == 1


def test_likes_persist_once_and_like_count_stays_exact(clip, world):
    alice, bob = viewer(world, "alice"), viewer(world, "bob")
    post(client_for(alice), [ev(1, "like", clip), ev(2, "unlike", clip), ev(3, "like", clip)])
    post(client_for(bob), [ev(1, "like", clip)])
    post(client_for(bob), [ev(2, "like", clip)])  # liking twice is one like
    fold_all()
    clip.refresh_from_db()
    assert clip.like_count == 2 == VideoLike.objects.filter(video=clip).count()
    post(client_for(bob), [ev(3, "unlike", clip)])
    post(client_for(bob), [ev(4, "unlike", clip)])
    fold_all()
    clip.refresh_from_db()
    assert clip.like_count == 1 == VideoLike.objects.filter(video=clip).count()
    assert clip.pk in viewer_state(alice).liked
    assert clip.pk not in viewer_state(bob).liked


def test_anonymous_events_count_but_cannot_like(clip):
    client = APIClient()
    client.cookies["vid"] = str(uuid.uuid4())
    response = post(client, [ev(1, "view_start", clip), ev(2, "like", clip)])
    assert response.status_code == 202
    fold_all()
    clip.refresh_from_db()
    assert clip.view_count == 1 and clip.like_count == 0
    assert not VideoLike.objects.exists()


def test_not_interested_hides_the_creator_from_the_next_page(world):
    chef, other = world.creator("chef"), world.creator("other")
    videos = [world.video(chef if i % 2 else other, category=world.cooking) for i in range(12)]
    me = viewer(world)
    from creators.feed.feeds import pools_refresh

    pools_refresh(market_codes=["US"], force=True)
    client = client_for(me)
    first = client.get("/api/feed/?page_size=2").json()
    post(client, [ev(1, "not_interested", next(v for v in videos if v.creator == chef))])
    fold_all()
    rest = []
    url = first["next"]
    while url:
        body = client.get(url).json()
        rest += body["results"]
        url = body["next"]
    assert rest and all(item["creator"]["handle"] == "other" for item in rest)
    profile = FeedProfile.objects.get(user=me)
    assert chef.pk in profile.hidden_creators
    assert str(world.cooking.pk) in profile.hidden_categories


def test_sendbeacon_form_posts_are_accepted_with_a_csrf_token(clip, world):
    me = viewer(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)
    token = "a" * 32
    client.cookies["csrftoken"] = token
    form = "application/x-www-form-urlencoded"
    body = urlencode(
        {"events": json.dumps([ev(1, "view_start", clip)]), "csrfmiddlewaretoken": token}
    )
    assert client.post("/api/events/", body, content_type=form).status_code == 202
    body = urlencode({"events": json.dumps([ev(2, "like", clip)])})
    denied = client.post("/api/events/", body, content_type=form)
    assert denied.status_code == 403  # a signed-in session without the token: CSRF
    fold_all()
    assert Video.objects.get(pk=clip.pk).view_count == 1


def test_purchases_feed_interests(world, clip):
    me = viewer(world)
    product = world.product(category=world.beauty)
    engagement_record_purchase(user_id=me.pk, product_ids=[product.pk])
    profile = FeedProfile.objects.get(user=me)
    assert profile.categories[str(world.beauty.pk)] == 4.0


def test_without_redis_batches_wait_in_the_database(settings, clip):
    settings.REDIS_URL = ""
    post(client_for(), [ev(1, "view_start", clip)])
    # Tests keep Celery's after-commit kick from running, so the row is still there.
    assert EngagementBatch.objects.count() == 1
    fold_all()
    assert EngagementBatch.objects.count() == 0
    assert Video.objects.get(pk=clip.pk).view_count == 1


@pytest.mark.redis
def test_with_redis_recording_a_batch_is_one_rpush(clip, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    calls = []
    client = store.redis_client()
    real = client.pipeline

    def spy(*args, **kwargs):
        pipe = real(*args, **kwargs)
        original = pipe.execute

        def execute():
            calls.append([c[0][0] for c in pipe.command_stack])
            return original()

        pipe.execute = execute
        return pipe

    monkeypatch.setattr(client, "pipeline", spy)
    with CaptureQueriesContext(connection) as queries:
        response = post(client_for(), [ev(i, "view_start", clip) for i in range(20)])
    assert response.status_code == 202
    assert calls == [["RPUSH"]]
    assert len(queries) == 0  # anonymous: no database at all
    assert buffer.pending() == 1


def test_demo_engagement_is_plausible_and_idempotent(world):
    import random

    from creators.demo.engagement import load_engagement_demo

    makers = [world.creator(f"demo{i}") for i in range(3)]
    for i in range(12):
        world.video(makers[i % 3], category=world.cooking if i % 2 else world.beauty)
    shopper = viewer(world, "shopper")
    first = load_engagement_demo(rng=random.Random("demo"))
    assert first["creators.Video engagement set"] == 12
    profile = FeedProfile.objects.get(user=shopper)
    assert set(profile.categories) <= {str(world.cooking.pk), str(world.beauty.pk)}
    assert profile.liked and VideoLike.objects.filter(user=shopper).count() == len(profile.liked)
    for video in Video.objects.all():
        assert video.completion_count <= video.view_count
        assert video.like_count >= video.likes.count()
    again = load_engagement_demo(rng=random.Random("demo"))
    assert not +again  # nothing written the second time


def test_token_clients_send_events_as_themselves(clip, world):
    from rest_framework.authtoken.models import Token

    me = viewer(world)
    token = Token.objects.create(user=me)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert post(client, [ev(1, "like", clip)]).status_code == 202
    fold_all()
    assert VideoLike.objects.filter(user=me, video=clip).exists()
    bad = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = post(bad, [ev(2, "like", clip)])
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_folding_refreshes_the_cards_it_changed(clip, world, django_assert_num_queries):
    from creators.feed.cards import cards_get

    assert cards_get([clip.pk])[clip.pk]["counts"]["likes"] == 0  # cached now
    post(client_for(viewer(world)), [ev(1, "like", clip), ev(2, "view_start", clip)])
    fold_all()
    with django_assert_num_queries(0):  # written through by the fold, not rebuilt on read
        counts = cards_get([clip.pk])[clip.pk]["counts"]
    assert (counts["likes"], counts["views"]) == (1, 1)


def test_the_beat_tick_folds_events_and_rebuilds_stale_pools(clip, world):
    from creators.tasks.engagement import feed_tick

    post(client_for(viewer(world)), [ev(1, "view_start", clip)])
    assert store.pools_version("US") is None
    result = feed_tick.apply().get()
    assert result["applied"] == 1 and result["stale_pools"]
    assert Video.objects.get(pk=clip.pk).view_count == 1
    assert store.pools_version("US")  # rebuilt (Celery runs eagerly in tests)
    assert feed_tick.apply().get()["stale_pools"] == []  # fresh now: nothing to do
