"""Engagement folding and feed pool tasks. Thin: each calls a service and reports."""

import time

from celery import shared_task

__all__ = ["feed_tick", "feed_pools_rebuild", "fold_engagement"]

# One tick keeps folding while there is a backlog, up to this long.
TICK_BUDGET_S = 8.0


@shared_task(ignore_result=True)
def fold_engagement() -> int:
    """Fold what is buffered now (asked for after likes and "not interested")."""
    from ..services.engagement import engagement_fold

    result = engagement_fold()
    return result.applied if result else 0


@shared_task(ignore_result=True)
def feed_pools_rebuild(force: bool = False) -> dict:
    from marketplace.markets import markets_by_code

    from ..feed.feeds import pools_refresh

    return pools_refresh(market_codes=list(markets_by_code()), force=force)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def feed_tick() -> dict:
    """The beat entry: drain the event buffer, then rebuild pools that are stale."""
    from ..services.engagement import engagement_fold

    started = time.monotonic()
    applied = batches = 0
    while time.monotonic() - started < TICK_BUDGET_S:
        result = engagement_fold()
        if not result or not result.batches:
            break
        applied += result.applied
        batches += result.batches
    rebuilt = feed_pools_rebuild()
    return {"batches": batches, "applied": applied, "pools": sorted(rebuilt)}
