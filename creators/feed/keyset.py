"""Published videos newest first, read by keyset on (published_at, id): the Newest and
Following feeds, Popular past its pool and For You past the pools.

One hand-written query on PostgreSQL, because it runs on nearly every such page: building
it with the ORM cost more than running it. Times come back as integer microseconds, so only
the row a cursor points at is turned into a datetime. Other databases (SQLite in ``make
test``) get the same rows through the ORM: ``extract(epoch ...)::bigint`` and ``LATERAL``
are PostgreSQL's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Q, Window
from django.db.models.functions import RowNumber

from ..models import Follow, Video, VideoStatus

_FOLLOWS = Follow._meta.db_table
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_SELECT = "SELECT id, creator_id, (extract(epoch FROM published_at) * 1000000)::bigint AS us"
_ORDER = "ORDER BY published_at DESC, id DESC LIMIT %s"
Row = tuple[int, int, int]  # id, creator id, published_at in epoch microseconds


def keyset_rows(
    *,
    position: list | None,
    limit: int,
    market: str | None = None,
    creators: list[int] | None = None,
    follower: int | None = None,
    until: datetime | None = None,
) -> list[Row]:
    """Up to ``limit`` published videos after ``position`` (from ``position_of``), newest
    first, optionally of one market, of some creators or those ``follower`` follows,
    published no later than ``until``."""
    if connection.vendor != "postgresql":
        return _orm_rows(position, limit, market, creators, follower, until)
    where = ["status = %s", "published_at IS NOT NULL"]
    params: list = [VideoStatus.PUBLISHED]
    if market:
        where.append("market_id = %s")
        params.append(market)
    if creators is not None:
        where.append("creator_id = ANY(%s)")
        params.append(list(creators))
    if until is not None:
        where.append("published_at <= %s")
        params.append(until)
    if position:
        at = datetime.fromisoformat(position[0])
        where.append("(published_at < %s OR (published_at = %s AND id < %s))")
        params += [at, at, position[1]]
    # Only fixed fragments are joined in; every value is a parameter.
    table, conditions = Video._meta.db_table, " AND ".join(where)
    sql = f"{_SELECT} FROM {table} WHERE {conditions} {_ORDER}"  # noqa: S608
    if follower is not None:
        # Each followed creator's newest few through its own index range, then merged:
        # bounded by follows x limit however many videos there are.
        sql = (
            f"SELECT v.id, v.creator_id, v.us FROM {_FOLLOWS} f CROSS JOIN LATERAL ("  # noqa: S608
            f"{_SELECT}, published_at FROM {table} WHERE creator_id = f.creator_id "
            f"AND {conditions} {_ORDER}) v WHERE f.follower_id = %s "
            "ORDER BY v.published_at DESC, v.id DESC LIMIT %s"
        )
        params += [limit, follower]
    with connection.cursor() as c:
        c.execute(sql, [*params, limit])
        return c.fetchall()


def newest_per_creator(creators: list[int], n: int) -> list[Row]:
    """Each of ``creators``' newest ``n`` published videos (one query)."""
    if not creators:
        return []
    table = Video._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            "SELECT v.id, v.creator_id, v.us FROM unnest(%s::bigint[]) AS c(id) "  # noqa: S608
            f"CROSS JOIN LATERAL ({_SELECT} FROM {table} WHERE creator_id = c.id "
            f"AND status = %s AND published_at IS NOT NULL {_ORDER}) v"
        )
        with connection.cursor() as c:
            c.execute(sql, [list(creators), VideoStatus.PUBLISHED, n])
            return c.fetchall()
    rank = Window(RowNumber(), partition_by="creator_id", order_by=("-published_at", "-id"))
    rows = (
        Video.objects.filter(
            creator_id__in=list(creators), status=VideoStatus.PUBLISHED, published_at__isnull=False
        )
        .annotate(rank=rank)
        .filter(rank__lte=n)
        .values_list("id", "creator_id", "published_at")
    )
    return [(pk, creator, (at - _EPOCH) // _MICROSECOND) for pk, creator, at in rows]


def _orm_rows(position, limit, market, creators, follower, until) -> list[Row]:
    qs = Video.objects.filter(status=VideoStatus.PUBLISHED, published_at__isnull=False)
    if market:
        qs = qs.filter(market_id=market)
    if creators is not None:
        qs = qs.filter(creator_id__in=list(creators))
    if follower is not None:
        followed = Follow.objects.filter(follower_id=follower).values("creator_id")
        qs = qs.filter(creator_id__in=followed)
    if until is not None:
        qs = qs.filter(published_at__lte=until)
    if position:
        at = datetime.fromisoformat(position[0])
        qs = qs.filter(Q(published_at__lt=at) | Q(published_at=at, id__lt=position[1]))
    rows = qs.order_by("-published_at", "-id").values_list("id", "creator_id", "published_at")
    return [(pk, creator, (at - _EPOCH) // _MICROSECOND) for pk, creator, at in rows[:limit]]


def published_at(row: Row) -> datetime:
    return _EPOCH + timedelta(microseconds=row[2])


def position_of(row: Row) -> list:
    """The keyset position just past ``row``, as cursors carry it."""
    return [published_at(row).isoformat(), row[0]]
