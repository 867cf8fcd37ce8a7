"""Domain events through a transactional outbox.

``event_publish`` must be called inside the transaction that makes the change: the event
row commits or rolls back with it. After commit, a Celery task delivers it to every
subscriber; each subscriber runs in its own transaction together with an
``EventDelivery`` row, so redelivery (a retried task, a worker killed mid-way, the
periodic sweep) never applies an event twice.

Subscribers register by name in their app's ``ready()``::

    subscribe("order.paid", "creators.handlers.commission_accrue_on_paid")

so the publishing app never imports the subscriber (shop never imports creators).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import EventDelivery, OutboxEvent

log = logging.getLogger(__name__)

_subscribers: dict[str, list[str]] = defaultdict(list)


def subscribe(name: str, handler_path: str) -> None:
    """Register ``handler_path`` (dotted path to ``handler(payload, event_id)``)."""
    if handler_path not in _subscribers[name]:
        _subscribers[name].append(handler_path)


def subscribers(name: str) -> list[str]:
    return list(_subscribers.get(name, ()))


def event_publish(name: str, payload: dict) -> OutboxEvent:
    """Write an event in the caller's transaction and ask for delivery after commit."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_publish must run inside the transaction of the change")
    event = OutboxEvent.objects.create(name=name, payload=payload)
    transaction.on_commit(lambda: _kick(event.pk))
    return event


def _kick(event_id: int) -> None:
    """Best effort: if the broker is down, the periodic sweep delivers the event later."""
    from .tasks import event_deliver

    try:
        event_deliver.delay(event_id)
    except Exception:  # noqa: BLE001 - any broker failure; the outbox row is the truth
        log.warning("broker unavailable; event %s left for the outbox sweep", event_id)


def event_deliver_now(event_id: int) -> bool:
    """Deliver one event to each subscriber that has not had it. True when complete."""
    event = OutboxEvent.objects.filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return True
    failed = False
    for path in subscribers(event.name):
        if EventDelivery.objects.filter(event=event, subscriber=path).exists():
            continue
        handler: Callable = import_string(path)
        try:
            with transaction.atomic():
                EventDelivery.objects.create(event=event, subscriber=path)
                handler(event.payload, event_id=event.pk)
        except IntegrityError:
            # A parallel delivery recorded it first: already applied.
            continue
        except Exception as exc:
            failed = True
            log.exception("subscriber %s failed on event %s", path, event.pk)
            OutboxEvent.objects.filter(pk=event.pk).update(last_error=f"{path}: {exc}"[:2000])
    OutboxEvent.objects.filter(pk=event.pk).update(attempts=event.attempts + 1)
    if not failed:
        OutboxEvent.objects.filter(pk=event.pk, dispatched_at__isnull=True).update(
            dispatched_at=timezone.now()
        )
    return not failed


def pending_event_ids(limit: int = 500) -> list[int]:
    return list(
        OutboxEvent.objects.filter(dispatched_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
