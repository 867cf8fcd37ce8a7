"""Engagement folding and feed pool tasks. Thin: each calls a service and reports."""

import time

from celery import shared_task

__all__ = ["feed_tick", "feed_pools_rebuild", "fold_engagement"]

# One tick keeps folding while there is a backlog, up to this long.
TICK_BUDGET_S = 8.0
POOLS_LOCK = "feed:pools:rebuilding"


@shared_task(ignore_result=True)
def fold_engagement() -> int:
    """Fold what is buffered now (asked for after likes and "not interested")."""
    from ..services.engagement import engagement_fold

    result = engagement_fold()
    return result.applied if result else 0


@shared_task(ignore_result=True, soft_time_limit=15 * 60, time_limit=16 * 60)
def feed_pools_rebuild(force: bool = False) -> dict:
    """Rebuild stale pools, one build at a time (at a million videos one takes a while)."""
    from django.core.cache import cache

    from marketplace.markets import markets_by_code

    from ..feed.feeds import pools_refresh

    if not cache.add(POOLS_LOCK, 1, 16 * 60):
        return {}
    try:
        return pools_refresh(market_codes=list(markets_by_code()), force=force)
    finally:
        cache.delete(POOLS_LOCK)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def feed_tick() -> dict:
    """The beat entry: drain the event buffer, then ask for stale pools to be rebuilt
    (in their own task, so a long build never holds up the folding)."""
    from marketplace.markets import markets_by_code

    from ..feed.feeds import pools_stale
    from ..services.engagement import engagement_fold

    started = time.monotonic()
    applied = batches = 0
    while time.monotonic() - started < TICK_BUDGET_S:
        result = engagement_fold()
        if not result or not result.batches:
            break
        applied += result.applied
        batches += result.batches
    stale = [code for code in markets_by_code() if pools_stale(code)]
    if stale:
        feed_pools_rebuild.delay()
    return {"batches": batches, "applied": applied, "stale_pools": stale}
