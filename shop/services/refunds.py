"""Refunds through the payment gateway, full or partial, exact to the unit in any currency.

A refund happens in three steps, so the card is never refunded twice and no lock is held
while the processor is on the line:

1. ``refund_create`` (inside the caller's transaction, with the payment and the order
   locked, in that order) works out what each line gets back and writes a ``Refund`` row
   with no ``gateway_ref``: the refund is *pending*. Pending refunds count against what is
   still refundable, so two refunds started together can never exceed what was paid.
2. ``refund_execute`` (outside any transaction) calls the gateway with the idempotency key
   ``refund-<id>``: a retry after a crash or a timeout gets the first answer back.
3. ``refund_record`` applies the amounts to the lines, the order and the payment, moves the
   order's status, and publishes ``order.refunded`` in the same transaction. Idempotent.

How amounts are split (every split uses ``marketplace.money.allocate``, so parts add up
exactly; ties give the odd unit to the earliest part):
- returning *q* of a line's remaining *n* units gives back *q/n* of what remains of the
  line's gross; the last units get exactly the rest, so returning everything refunds the
  gross to the unit, whatever deal prices or earlier refunds did;
- when the last unit of an order comes back, the shipping comes back with it;
- an order-level amount is split over the lines (and the shipping) by what remains of each.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from marketplace.errors import DomainError
from marketplace.events import event_publish
from marketplace.money import allocate, format_money

from ..errors import InvalidTransition
from ..models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    ReturnRequest,
)
from ..payments import GatewayError, get_gateway
from .ledger import refund_post
from .orders import ALLOWED, order_transition

log = logging.getLogger(__name__)

REFUNDABLE_PAYMENT = (PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED)


class NothingToRefund(DomainError):
    code = "nothing_to_refund"
    status = 409
    default_message = "There is nothing left to refund on this order."


class RefundExceedsPaid(DomainError):
    code = "refund_exceeds_paid"
    status = 409
    default_message = "A refund cannot be larger than what is left of the payment."


class InvalidRefundLines(DomainError):
    code = "invalid_refund_lines"
    status = 400
    default_message = "Choose lines of this order and quantities that were not refunded."


class RefundFailed(DomainError):
    code = "refund_failed"
    status = 502
    default_message = "The card processor refused the refund."


class RefundPending(DomainError):
    code = "refund_pending"
    status = 202
    default_message = "The refund is on its way; the card processor has not confirmed it yet."


@dataclass(frozen=True)
class Remaining:
    """What is still refundable on one line (after recorded and pending refunds)."""

    quantity: int
    amount: int


def _pending(order: Order) -> list[Refund]:
    return list(Refund.objects.filter(order=order, gateway_ref="").order_by("pk"))


def lines_remaining(order: Order, lines: list[OrderLine]) -> dict[int, Remaining]:
    reserved_q: dict[int, int] = {}
    reserved_a: dict[int, int] = {}
    for refund in _pending(order):
        for entry in refund.lines:
            lid = entry["line_id"]
            reserved_q[lid] = reserved_q.get(lid, 0) + entry["quantity"]
            reserved_a[lid] = reserved_a.get(lid, 0) + entry["amount"]
    return {
        line.pk: Remaining(
            quantity=line.quantity - line.refunded_quantity - reserved_q.get(line.pk, 0),
            amount=line.gross_minor - line.refunded_minor - reserved_a.get(line.pk, 0),
        )
        for line in lines
    }


def order_refundable_minor(order: Order) -> int:
    """What may still be refunded on the order: its total less recorded and pending."""
    pending = sum(r.amount_minor for r in _pending(order))
    return order.total_minor - order.refunded_minor - pending


def _units_share(remaining: Remaining, quantity: int) -> int:
    if quantity == remaining.quantity:
        return remaining.amount
    return sum(allocate(remaining.amount, [1] * remaining.quantity)[:quantity])


def _plan_lines(order, lines, remaining, wanted: dict[int, int]) -> tuple[list[dict], bool]:
    by_id = {line.pk: line for line in lines}
    if not wanted or any(q < 1 for q in wanted.values()):
        raise InvalidRefundLines()
    entries = []
    for line_id in sorted(wanted):
        quantity = wanted[line_id]
        if line_id not in by_id:
            raise InvalidRefundLines(f"Line {line_id} is not part of this order.", line_id=line_id)
        left = remaining[line_id]
        if quantity > left.quantity:
            raise InvalidRefundLines(
                f"Only {left.quantity} of “{by_id[line_id].title}” can still be refunded.",
                line_id=line_id,
                available=left.quantity,
            )
        entries.append(
            {"line_id": line_id, "quantity": quantity, "amount": _units_share(left, quantity)}
        )
    everything_back = all(remaining[line.pk].quantity == wanted.get(line.pk, 0) for line in lines)
    return entries, everything_back


def _plan_amount(order, lines, remaining, amount: int, refundable: int) -> tuple[list[dict], bool]:
    if amount < 1:
        raise RefundExceedsPaid("A refund must be at least one unit of the currency.")
    if amount > refundable:
        raise RefundExceedsPaid(
            f"At most {format_money(refundable, order.currency)} can still be refunded.",
            refundable=refundable,
        )
    full = amount == refundable
    weights = [remaining[line.pk].amount for line in lines]
    shipping_left = refundable - sum(weights)
    parts = allocate(amount, [*weights, shipping_left])  # the last part is shipping
    entries = [
        {
            "line_id": line.pk,
            "quantity": remaining[line.pk].quantity if full else 0,
            "amount": part,
        }
        for line, part in zip(lines, parts, strict=False)
        if part or (full and remaining[line.pk].quantity)
    ]
    return entries, full


def refund_create(
    *,
    order: Order,
    payment: Payment,
    lines: dict[int, int] | None = None,
    amount: int | None = None,
    full: bool = False,
    reason: str = "",
    actor=None,
    cancelling: bool = False,
) -> Refund:
    """Plan a pending refund: by ``lines`` ({line_id: quantity}), by an order-level
    ``amount``, or ``full`` (everything still refundable).

    Preconditions: inside a transaction that has locked ``payment`` and then ``order``
    (``select_for_update``), the order locks every other path takes too. ``cancelling``
    says the caller is cancelling the order in the same transaction (its status then
    stays ``cancelled``); otherwise the order must be allowed to become refunded or
    partially refunded, or ``InvalidTransition`` (409) is raised.
    """
    if payment.status not in REFUNDABLE_PAYMENT or order.checkout_id != payment.checkout_id:
        raise NothingToRefund("This order has no captured payment to refund.")
    order_lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
    remaining = lines_remaining(order, order_lines)
    refundable = order_refundable_minor(order)
    if refundable <= 0:
        raise NothingToRefund()
    if full:
        amount = refundable
    if lines:
        entries, everything_back = _plan_lines(order, order_lines, remaining, lines)
        total = sum(e["amount"] for e in entries)
        if everything_back:
            total = refundable  # the shipping goes back with the last unit
    elif amount is not None:
        entries, everything_back = _plan_amount(order, order_lines, remaining, amount, refundable)
        total = amount
    else:
        raise InvalidRefundLines("Say what to refund: lines, an amount, or everything.")
    if total <= 0:
        raise NothingToRefund("Those units were free; there is nothing to refund.")
    if total > payment.amount_minor - payment.refunded_minor:
        raise RefundExceedsPaid()
    if not cancelling:
        target = OrderStatus.REFUNDED if everything_back else OrderStatus.PARTIALLY_REFUNDED
        if target not in ALLOWED.get(order.status, set()):
            what = "refunded" if everything_back else "refunded in part"
            raise InvalidTransition(
                f"An order that is {order.get_status_display().lower()} cannot be {what}.",
                status=order.status,
            )
    return Refund.objects.create(
        payment=payment,
        order=order,
        amount_minor=total,
        lines=entries,
        reason=reason[:200],
        actor=actor,
    )


def refund_execute(*, refund_id: int) -> Refund:
    """Ask the gateway to pay a pending refund back, then record it. Call outside any
    transaction. Safe to repeat: a recorded refund returns at once, and the gateway
    answers a repeated key with its first answer.

    Raises ``RefundPending`` when the processor cannot be reached (the refund stays
    pending and ``refunds_resume`` tries again), ``RefundFailed`` when it says no (the
    pending row is removed: nothing was paid back, and the amount is refundable again).
    """
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.gateway_ref:
        return refund
    try:
        result = get_gateway().refund(
            reference=refund.payment.gateway_ref,
            amount=refund.amount_minor,
            idempotency_key=f"refund-{refund.pk}",
        )
    except GatewayError:
        log.warning("refund %s: gateway unreachable, left pending", refund.pk)
        raise RefundPending(refund_id=refund.pk) from None
    if not result.ok:
        log.error("refund %s refused by the gateway: %s", refund.pk, result.code)
        with transaction.atomic():
            ReturnRequest.objects.filter(refund_id=refund.pk).update(refund=None)
            Refund.objects.filter(pk=refund.pk, gateway_ref="").delete()
        raise RefundFailed(result.message or None, reason=result.code)
    return refund_record(refund_id=refund.pk, gateway_ref=result.reference)


def refund_record(*, refund_id: int, gateway_ref: str) -> Refund:
    """Apply a refund the gateway confirmed. Idempotent: a recorded refund is skipped."""
    with transaction.atomic():
        payment_id = Refund.objects.values_list("payment_id", flat=True).get(pk=refund_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.gateway_ref:
            return refund
        order = Order.objects.select_for_update().get(pk=refund.order_id)
        for entry in refund.lines:
            OrderLine.objects.filter(pk=entry["line_id"], order=order).update(
                refunded_quantity=F("refunded_quantity") + entry["quantity"],
                refunded_minor=F("refunded_minor") + entry["amount"],
            )
        order.refunded_minor += refund.amount_minor
        fields = ["refunded_minor"]
        if order.status != OrderStatus.CANCELLED:
            full = order.refunded_minor == order.total_minor
            target = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
            if target in ALLOWED.get(order.status, set()):
                note = f"Refunded {format_money(refund.amount_minor, order.currency)}"
                order_transition(order=order, to=target, actor=refund.actor, note=note)
                fields.append("status")
            else:
                log.warning(
                    "refund %s recorded; order %s stays %s", refund.pk, order.pk, order.status
                )
        order.save(update_fields=fields)
        payment.refunded_minor += refund.amount_minor
        payment.status = (
            PaymentStatus.REFUNDED
            if payment.refunded_minor == payment.amount_minor
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        payment.save(update_fields=["refunded_minor", "status"])
        refund.gateway_ref = gateway_ref
        refund.save(update_fields=["gateway_ref"])
        refund_post(order=order, refund=refund)
        event_publish("order.refunded", _refunded_payload(order, refund))
    return refund


def _refunded_payload(order: Order, refund: Refund) -> dict:
    lines = {
        line.pk: line
        for line in OrderLine.objects.filter(
            order=order, pk__in=[e["line_id"] for e in refund.lines]
        )
    }
    return {
        "order_id": order.pk,
        "number": order.number,
        "refund_id": refund.pk,
        "buyer_id": order.buyer_id,
        "seller_id": order.seller_id,
        "market": order.market_id,
        "currency": order.currency,
        "amount": refund.amount_minor,
        "shipping": refund.amount_minor - sum(e["amount"] for e in refund.lines),
        "order_refunded": order.refunded_minor,
        "order_total": order.total_minor,
        "full": order.refunded_minor == order.total_minor,
        "status": order.status,
        "reason": refund.reason,
        "lines": [
            {
                "line_id": e["line_id"],
                "product_id": lines[e["line_id"]].product_id,
                "variant_id": lines[e["line_id"]].variant_id,
                "quantity": e["quantity"],
                "amount": e["amount"],
                "gross": lines[e["line_id"]].gross_minor,
                "line_refunded_quantity": lines[e["line_id"]].refunded_quantity,
                "line_refunded": lines[e["line_id"]].refunded_minor,
                "commission_rate_bp": lines[e["line_id"]].commission_rate_bp,
                "referral_fee_bp": lines[e["line_id"]].referral_fee_bp,
            }
            for e in refund.lines
        ],
    }


def order_refund(
    *,
    order_id: int,
    actor=None,
    lines: dict[int, int] | None = None,
    amount: int | None = None,
    full: bool = False,
    reason: str = "",
) -> Refund:
    """A refund on its own (staff in the admin): plan it under the locks, then execute."""
    with transaction.atomic():
        checkout_id = Order.objects.values_list("checkout_id", flat=True).get(pk=order_id)
        payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
        order = Order.objects.select_for_update().get(pk=order_id)
        refund = refund_create(
            order=order,
            payment=payment,
            lines=lines,
            amount=amount,
            full=full,
            reason=reason,
            actor=actor,
        )
    return refund_execute(refund_id=refund.pk)


def refunds_pending_ids(*, limit: int = 200) -> list[int]:
    return list(
        Refund.objects.filter(gateway_ref="").order_by("pk").values_list("pk", flat=True)[:limit]
    )
