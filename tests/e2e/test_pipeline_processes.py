"""The order pipeline against real processes: PostgreSQL, redis-server, Celery workers."""

import pytest

from marketplace.models import EventDelivery, OutboxEvent
from shop.models import Order, OrderStatus, OrderStatusChange, Payment, PaymentStatus
from tests.factories import ProductFactory, UserFactory, ensure_markets

from .processes import RedisServer, Worker, place_order, sent_messages, service_env, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop_setup():
    markets = ensure_markets()
    buyer = UserFactory(username="pipeline-buyer", email="buyer@example.com", market=markets["US"])
    product = ProductFactory(variants=[{"stock": 3}])
    product.seller.owner.email = "seller@example.com"
    product.seller.owner.save()
    return buyer, product.variants.get()


@pytest.fixture
def redis_server():
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _paid_count(order_id):
    return OrderStatusChange.objects.filter(order_id=order_id, to_status=OrderStatus.PAID).count()


def test_worker_killed_mid_pipeline_pays_once_and_emails_once(shop_setup, redis_server, tmp_path):
    buyer, variant = shop_setup
    env = service_env(redis_server.url, tmp_path, CRASH_MARKER=str(tmp_path / "crashed"))
    first = Worker(env, log=tmp_path / "worker1.log")
    try:
        result = place_order(env, buyer_id=buyer.pk, variant_id=variant.pk)
        order_id = result["orders"][0]["id"]
        wait_for(lambda: (tmp_path / "crashed").exists(), timeout=60, what="the crash point")
    finally:
        first.kill()
    # Killed inside the transaction: nothing of the "paid" step survived.
    assert Order.objects.get(pk=order_id).status == OrderStatus.PENDING_PAYMENT
    assert not EventDelivery.objects.exists()

    second = Worker(env, beat=True, log=tmp_path / "worker2.log")
    try:
        wait_for(
            lambda: Order.objects.get(pk=order_id).status == OrderStatus.PAID,
            timeout=60,
            what="the order to be paid after redelivery",
        )
        wait_for(lambda: len(sent_messages(tmp_path)) >= 2, timeout=30, what="the emails")
    finally:
        second.stop()
    assert _paid_count(order_id) == 1
    messages = sent_messages(tmp_path)
    to_buyer = [m for m in messages if "To: buyer@example.com" in m]
    assert len(to_buyer) == 1, messages
    assert f"Your order #{result['orders'][0]['number']} is confirmed" in to_buyer[0]
    assert Payment.objects.get().status == PaymentStatus.CAPTURED


def test_redis_down_at_checkout_order_placed_and_events_arrive_later(
    shop_setup, redis_server, tmp_path
):
    buyer, variant = shop_setup
    env = service_env(redis_server.url, tmp_path)
    redis_server.stop()

    result = place_order(env, buyer_id=buyer.pk, variant_id=variant.pk)
    order_id = result["orders"][0]["id"]
    assert Payment.objects.get().status == PaymentStatus.CAPTURED
    assert OutboxEvent.objects.filter(name="payment.captured", dispatched_at=None).count() == 1
    assert Order.objects.get(pk=order_id).status == OrderStatus.PENDING_PAYMENT

    redis_server.start()
    worker = Worker(env, beat=True, log=tmp_path / "worker.log")
    try:
        wait_for(
            lambda: Order.objects.get(pk=order_id).status == OrderStatus.PAID,
            timeout=60,
            what="the outbox to deliver once Redis is back",
        )
        wait_for(
            lambda: not OutboxEvent.objects.filter(dispatched_at=None).exists(),
            timeout=30,
            what="every event (order.paid included) to be delivered",
        )
    finally:
        worker.stop()
    assert _paid_count(order_id) == 1
    assert len([m for m in sent_messages(tmp_path) if "To: buyer@example.com" in m]) == 1
