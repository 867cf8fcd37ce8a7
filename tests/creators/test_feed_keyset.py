"""Keyset reads: the PostgreSQL query and the portable ORM path give the same rows, and a
walk by position neither repeats nor skips (ties in published_at included)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from creators.feed import keyset
from creators.models import Follow, Video, VideoStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def videos(make_creator):
    now = timezone.now().replace(microsecond=123456)
    a, b, c = make_creator("ana"), make_creator("ben"), make_creator("cy", market="GB")
    made = []
    for i in range(12):
        creator = (a, b, c)[i % 3]
        made.append(
            Video.objects.create(
                creator=creator,
                market=creator.market,
                caption=f"v{i}",
                status=VideoStatus.PUBLISHED,
                # pairs share a time, so the id breaks the tie
                published_at=now - timedelta(minutes=i // 2),
                file=f"videos/{i}.mp4",
            )
        )
    Video.objects.create(creator=a, market=a.market, caption="wip", status=VideoStatus.PROCESSING)
    viewer = UserFactory(username="viewer")
    Follow.objects.create(follower=viewer, creator=a)
    Follow.objects.create(follower=viewer, creator=c)
    return {"all": made, "a": a, "c": c, "viewer": viewer, "now": now}


def _expected(videos, keep):
    chosen = [v for v in videos if keep(v)]
    return sorted(chosen, key=lambda v: (v.published_at, v.id), reverse=True)


def _walk(read, limit, **filters):
    out, position = [], None
    while True:
        rows = read(position=position, limit=limit, **filters)
        out += rows
        if len(rows) < limit:
            return out
        position = keyset.position_of(rows[-1])


def _readers():
    readers = [lambda **kw: keyset._orm_rows(**kw)]
    if connection.vendor == "postgresql":
        readers.append(keyset.keyset_rows)
    return readers


@pytest.mark.parametrize("limit", [1, 3, 5, 50])
def test_every_filter_walks_each_video_once_newest_first(videos, limit):
    made, a, c = videos["all"], videos["a"], videos["c"]
    cases = [
        ({}, lambda v: True),
        ({"market": "US"}, lambda v: v.market_id == "US"),
        ({"creators": [a.pk]}, lambda v: v.creator_id == a.pk),
        ({"follower": videos["viewer"].pk}, lambda v: v.creator_id in (a.pk, c.pk)),
        ({"until": made[5].published_at}, lambda v: v.published_at <= made[5].published_at),
    ]
    for read in _readers():
        for filters, keep in cases:
            base = {"market": None, "creators": None, "follower": None, "until": None}
            rows = _walk(read, limit, **{**base, **filters})
            assert [r[0] for r in rows] == [v.id for v in _expected(made, keep)], filters
            assert [keyset.published_at(r) for r in rows] == [
                v.published_at for v in _expected(made, keep)
            ]


def test_the_postgresql_query_and_the_orm_agree(videos):
    if connection.vendor != "postgresql":
        pytest.skip("only PostgreSQL has both paths")
    position = keyset.position_of(keyset.keyset_rows(position=None, limit=3)[-1])
    for filters in ({}, {"follower": videos["viewer"].pk}, {"market": "US"}):
        full = {"market": None, "creators": None, "follower": None, "until": None, **filters}
        assert keyset.keyset_rows(position=position, limit=4, **filters) == [
            tuple(r) for r in keyset._orm_rows(position=position, limit=4, **full)
        ]
