"""Issue #5's benchmarks. Data: the ``money`` part (bench/money_data.py).

- ``settle`` (in-process, no HTTP): ``settlement_run`` + ``payouts_build(send=False)`` over
  the settle set, timed, then ``ledger_breaks()`` checked; the data is put back as it was
  and the same work runs as a few set-based SQL statements; both times and their ratio
  (target ≤ 10×). Peak Python memory (tracemalloc) of the chunked run at a fifth of the
  set and at all of it shows it does not grow with N.
- ``creator_dashboard`` / ``creator_dashboard_page``: the dashboard of the creator with
  50 000 commissions, by API token and by session cookie (target ≥ 0.3× /healthz).
"""

from __future__ import annotations

import time
import tracemalloc

from django.db import connection, transaction
from django.utils import timezone

from .scenarios import Context, Target, job, scenario
from .wrk import Request

NEEDS = ("catalog", "buyers", "videos", "money")
SNAPSHOT = "bench_money_snapshot"
TARGET_RATIO = 10.0


def _sql(statement: str, params=None) -> int:
    with connection.cursor() as c:
        c.execute(statement, params or [])
        return c.rowcount


def _snapshot() -> dict:
    """Remember what a run changes, so ``_restore`` can put it back."""
    maxes = {}
    for t in ("marketplace_ledgeraccount", "marketplace_ledgerentry", "marketplace_ledgerposting"):
        with connection.cursor() as c:
            c.execute(f"SELECT coalesce(max(id), 0) FROM {t}")
            maxes[t] = c.fetchone()[0]
    with connection.cursor() as c:
        c.execute("SELECT coalesce(max(id), 0) FROM shop_payout")
        maxes["shop_payout"] = c.fetchone()[0]
    for name, select in (
        ("c", "SELECT id, status, available_at, payout_id FROM creators_commission"),
        ("o", "SELECT id, delivered_at FROM shop_order WHERE settled_at IS NULL"),
        ("a", "SELECT id, balance_minor FROM marketplace_ledgeraccount"),
    ):
        _sql(f"DROP TABLE IF EXISTS {SNAPSHOT}_{name}")
        _sql(f"CREATE TABLE {SNAPSHOT}_{name} AS {select}")
    return maxes


def _restore(maxes: dict) -> None:
    with transaction.atomic():
        _sql("DELETE FROM shop_payout WHERE id > %s", [maxes["shop_payout"]])
        _sql(
            "DELETE FROM marketplace_ledgerposting WHERE id > %s",
            [maxes["marketplace_ledgerposting"]],
        )
        _sql(
            "DELETE FROM marketplace_ledgerentry WHERE id > %s", [maxes["marketplace_ledgerentry"]]
        )
        _sql(
            "DELETE FROM marketplace_ledgeraccount WHERE id > %s",
            [maxes["marketplace_ledgeraccount"]],
        )
        _sql(
            f"UPDATE creators_commission c SET status = s.status, available_at = s.available_at, "
            f"payout_id = s.payout_id, paid_at = NULL FROM {SNAPSHOT}_c s "
            "WHERE c.id = s.id AND (c.status, c.payout_id) IS DISTINCT FROM (s.status, s.payout_id)"
        )
        _sql(
            f"UPDATE shop_order o SET settled_at = NULL, delivered_at = s.delivered_at "
            f"FROM {SNAPSHOT}_o s WHERE o.id = s.id"
        )
        _sql(
            f"UPDATE marketplace_ledgeraccount a SET balance_minor = s.balance_minor "
            f"FROM {SNAPSHOT}_a s WHERE a.id = s.id AND a.balance_minor <> s.balance_minor"
        )
    for t in (
        "marketplace_ledgeraccount",
        "marketplace_ledgerentry",
        "marketplace_ledgerposting",
        "shop_payout",
    ):
        _sql(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), {maxes[t]} + 1, false)")


def _chunked(as_of) -> dict:
    from creators.services.commissions import settlement_run
    from shop.services.payouts import payouts_build

    t0 = time.perf_counter()
    settled = settlement_run(as_of=as_of)
    t1 = time.perf_counter()
    payouts = payouts_build(as_of=as_of.date(), send=False)
    t2 = time.perf_counter()
    return {**settled, "payouts": payouts, "settle_s": t1 - t0, "payouts_s": t2 - t1, "s": t2 - t0}


def _peak_mb(as_of) -> float:
    tracemalloc.start()
    try:
        _chunked(as_of)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _outcome() -> tuple:
    """What a run produced: commissions by status, payouts (count, sum), orders settled."""
    with connection.cursor() as c:
        c.execute("SELECT status, count(*) FROM creators_commission GROUP BY 1 ORDER BY 1")
        statuses = tuple(c.fetchall())
        c.execute("SELECT count(*), coalesce(sum(amount_minor), 0) FROM shop_payout")
        payouts = c.fetchone()
        c.execute("SELECT count(*) FROM shop_order WHERE settled_at IS NOT NULL")
        return statuses, tuple(payouts), c.fetchone()[0]


@job("settle", "settlement run + that week's payouts, chunked vs set-based SQL", needs=NEEDS)
def settle(args) -> dict:
    from marketplace.ledger.checks import ledger_breaks

    from .money_sql import set_based_run

    as_of = timezone.now()
    n = _pending_due(as_of)
    maxes = _snapshot()
    try:
        chunked = _chunked(as_of)
        after_chunked = _outcome()
        t0 = time.perf_counter()
        breaks = list(ledger_breaks())
        check_s = time.perf_counter() - t0
        _restore(maxes)
        t0 = time.perf_counter()
        with transaction.atomic():
            set_based_run(as_of)
        sql_s = time.perf_counter() - t0
        after_sql = _outcome()
        sql_breaks = list(ledger_breaks())
        _restore(maxes)
        # Memory: the whole set, then a fifth of it (the rest made not yet due).
        peak_all = _peak_mb(as_of)
        _restore(maxes)
        _sql(
            "UPDATE shop_order SET delivered_at = %s WHERE id IN (SELECT order_id FROM "
            "creators_commission WHERE status = 'pending' AND order_id %% 5 <> 0) "
            "AND delivered_at < %s",
            [as_of, as_of],
        )
        peak_fifth = _peak_mb(as_of)
    finally:
        _restore(maxes)
    ratio = chunked["s"] / sql_s if sql_s else None
    lines = [
        f"settle: {n} pending commissions due; chunked run {chunked['s']:.1f} s "
        f"(settlement {chunked['settle_s']:.1f} s: {chunked['orders_settled']} orders, "
        f"{chunked['commissions_released']} commissions; payouts {chunked['payouts_s']:.1f} s: "
        f"{chunked['payouts']} payouts); set-based SQL {sql_s:.1f} s; ratio {ratio:.1f}× "
        f"(target ≤ {TARGET_RATIO:g}×: {'PASS' if ratio and ratio <= TARGET_RATIO else 'FAIL'})",
        f"settle: peak Python memory (tracemalloc) {peak_fifth:.1f} MB at ~{n // 5} commissions, "
        f"{peak_all:.1f} MB at {n}",
        f"settle: ledger_breaks() after the chunked run: {len(breaks)} ({check_s:.1f} s)"
        + (f", first: {breaks[0]}" if breaks else "")
        + f"; after the SQL run: {len(sql_breaks)}; same outcome: {after_chunked == after_sql}",
    ]
    return {
        "lines": lines,
        "pending_due": n,
        "chunked": chunked,
        "sql_s": sql_s,
        "ratio": ratio,
        "peak_mb": {"fifth": peak_fifth, "all": peak_all},
        "ledger_breaks": breaks[:5],
        "sql_ledger_breaks": sql_breaks[:5],
        "same_outcome": after_chunked == after_sql,
        "outcome_chunked": after_chunked,
        "outcome_sql": after_sql,
    }


def _pending_due(as_of) -> int:
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM creators_commission c JOIN shop_order o ON o.id = c.order_id "
            "WHERE c.status = 'pending' AND o.delivered_at <= %s - interval '30 days'",
            [as_of],
        )
        return c.fetchone()[0]


def _session_cookie(user_id: int) -> str:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from marketplace.models import User

    user = User.objects.get(pk=user_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _token(user_id: int) -> str:
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user_id=user_id)[0].key


@scenario(
    "creator_dashboard",
    "GET /api/creator/dashboard/, creator with 50 000 commissions",
    target=Target(ratio_min=0.3),
    needs=NEEDS,
)
def creator_dashboard(ctx: Context) -> list[Request]:
    from .money_data import dashboard_creator

    _, user_id = dashboard_creator()
    return [
        Request("/api/creator/dashboard/", headers=(("Authorization", f"Token {_token(user_id)}"),))
    ]


@scenario(
    "creator_dashboard_page",
    "creator dashboard HTML /creator/, same creator, session cookie",
    target=Target(ratio_min=0.3),
    needs=NEEDS,
)
def creator_dashboard_page(ctx: Context) -> list[Request]:
    from .money_data import dashboard_creator

    _, user_id = dashboard_creator()
    return [Request("/creator/", headers=(("Cookie", _session_cookie(user_id)),))]
