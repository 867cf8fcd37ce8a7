import pytest
from django.db import transaction

from marketplace import events
from marketplace.models import EventDelivery, OutboxEvent
from marketplace.tasks import outbox_sweep

pytestmark = pytest.mark.django_db(transaction=True)

applied: list[tuple[int, dict]] = []
fail_next = {"on": False}


def record(payload, *, event_id):
    applied.append((event_id, payload))


def flaky(payload, *, event_id):
    if fail_next["on"]:
        raise RuntimeError("downstream hiccup")
    applied.append((event_id, {"flaky": True}))


@pytest.fixture(autouse=True)
def _subscribers(monkeypatch, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from marketplace.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    monkeypatch.setattr(events, "_subscribers", {"test.happened": [f"{__name__}.record"]})
    applied.clear()
    fail_next["on"] = False


def test_event_is_delivered_once_after_commit():
    with transaction.atomic():
        event = events.event_publish("test.happened", {"n": 1})
        assert applied == []  # nothing before commit
    assert applied == [(event.pk, {"n": 1})]
    assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is not None
    # Redelivery (a retried task, the sweep) applies nothing again.
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    assert events.event_deliver_now(event.pk) is True
    outbox_sweep()
    assert len(applied) == 1


def test_rolled_back_change_publishes_nothing():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        events.event_publish("test.happened", {"n": 2})
        1 / 0  # noqa: B018
    assert not OutboxEvent.objects.exists()
    assert applied == []


def test_publish_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        events.event_publish("test.happened", {})


def test_broker_down_leaves_event_for_the_sweep(monkeypatch):
    from marketplace import tasks

    def broken_delay(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.event_deliver, "delay", broken_delay)
    with transaction.atomic():
        event = events.event_publish("test.happened", {"n": 3})
    assert applied == []
    assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is None
    assert outbox_sweep() == 1
    assert applied == [(event.pk, {"n": 3})]


def test_failing_subscriber_is_retried_without_reapplying_the_others(monkeypatch):
    monkeypatch.setattr(
        events,
        "_subscribers",
        {"test.happened": [f"{__name__}.record", f"{__name__}.flaky"]},
    )
    fail_next["on"] = True
    with transaction.atomic():
        event = events.event_publish("test.happened", {"n": 4})
    assert events.event_deliver_now(event.pk) is False
    assert [p for _, p in applied] == [{"n": 4}]
    fail_next["on"] = False
    outbox_sweep()
    assert [p for _, p in applied] == [{"n": 4}, {"flaky": True}]
    assert EventDelivery.objects.filter(event_id=event.pk).count() == 2
    assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is not None
