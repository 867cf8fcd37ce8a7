"""Creators' money tasks: the daily settlement run (beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def settlement_run(as_of: str | None = None) -> dict:
    """Sellers' shares and creators' commissions that have waited long enough become
    available (beat, daily; ``manage.py settle_commissions`` runs the same)."""
    from datetime import datetime

    from ..services.commissions import settlement_run as run

    return run(as_of=datetime.fromisoformat(as_of) if as_of else None)
