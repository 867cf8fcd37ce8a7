"""Kernel tasks: outbox delivery. Thin: take ids, reload, return if done, call the kernel."""

from celery import shared_task

from .events import event_deliver_now, pending_event_ids


@shared_task(
    bind=True,
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=8,
)
def event_deliver(self, event_id: int) -> bool:
    complete = event_deliver_now(event_id)
    if not complete:
        raise self.retry(countdown=min(2 ** (self.request.retries + 1), 300))
    return complete


@shared_task
def outbox_sweep() -> int:
    """Deliver what the after-commit kick missed (broker down, worker lost)."""
    ids = pending_event_ids()
    for event_id in ids:
        event_deliver_now(event_id)
    return len(ids)
