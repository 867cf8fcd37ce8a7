"""Returns: asked for by the shopper inside the market's return window after delivery,
answered by the seller within ``RETURN_RESPONSE_HOURS`` (48 by default), else approved
automatically by the ``returns_auto_approve`` beat task.

An approved return is refunded through ``refunds`` (planned under the locks, paid back by
the gateway after them) and its units go back on the shelf when they can be sold again.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.errors import DomainError

from ..models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
)
from ..models.returns import NOT_RESTOCKABLE_REASONS
from .fulfilment import return_deadline
from .refunds import RefundPending, lines_remaining, refund_create, refund_execute
from .stock import stock_restore

RETURNABLE = (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_REFUNDED)


def response_hours() -> int:
    return getattr(settings, "RETURN_RESPONSE_HOURS", 48)


class ReturnNotAllowed(DomainError):
    code = "return_not_allowed"
    status = 409
    default_message = "Only a delivered order can be returned."


class ReturnWindowClosed(DomainError):
    code = "return_window_closed"
    status = 409
    default_message = "The return window for this order has closed."


class ReturnAlreadyRequested(DomainError):
    code = "return_already_requested"
    status = 409
    default_message = "A return for this order is already waiting for the seller."


class InvalidReturn(DomainError):
    code = "invalid_return"
    status = 400
    default_message = "Choose at least one item and a reason."


class ReturnAlreadyDecided(DomainError):
    code = "return_already_decided"
    status = 409
    default_message = "This return has already been answered."


class ReturnResponseOverdue(DomainError):
    code = "return_response_overdue"
    status = 409
    default_message = "The time to answer this return has passed; it is approved automatically."


def returnable_quantities(order: Order) -> dict[int, int]:
    """Units per line the shopper may still send back (not refunded, not in a refund)."""
    lines = list(OrderLine.objects.filter(order=order).order_by("pk"))
    remaining = lines_remaining(order, lines)
    return {line.pk: max(remaining[line.pk].quantity, 0) for line in lines}


def return_request(
    *,
    order_id: int,
    buyer,
    lines: dict[int, int],
    reason: str,
    details: str = "",
    now: datetime | None = None,
) -> ReturnRequest:
    """The shopper asks to return ``lines`` ({order_line_id: quantity})."""
    now = now or timezone.now()
    wanted = {int(k): int(v) for k, v in lines.items() if int(v) > 0}
    errors = {}
    if reason not in ReturnReason.values:
        errors["reason"] = "Choose a reason."
    if not wanted:
        errors["lines"] = "Choose at least one item to return."
    if len(details) > 1000:
        errors["details"] = "Keep the details under 1000 characters."
    if errors:
        raise InvalidReturn(errors=errors)
    with transaction.atomic():
        order = Order.objects.select_for_update().select_related("market").get(pk=order_id)
        if order.buyer_id != buyer.pk:
            raise ReturnNotAllowed("Only the shopper who placed the order can return it.")
        if order.status not in RETURNABLE or order.delivered_at is None:
            raise ReturnNotAllowed(status=order.status)
        deadline = return_deadline(order)
        if now > deadline:
            raise ReturnWindowClosed(
                f"Returns for this order closed on {deadline:%d %B %Y}.",
                deadline=deadline.isoformat(),
            )
        if ReturnRequest.objects.filter(order=order, status=ReturnStatus.REQUESTED).exists():
            raise ReturnAlreadyRequested()
        available = returnable_quantities(order)
        for line_id, quantity in wanted.items():
            if line_id not in available:
                raise InvalidReturn(errors={"lines": "That item is not part of this order."})
            if quantity > available[line_id]:
                raise InvalidReturn(
                    f"Only {available[line_id]} of that item can still be returned.",
                    errors={"lines": f"At most {available[line_id]} for line {line_id}."},
                )
        try:
            with transaction.atomic():
                request = ReturnRequest.objects.create(
                    order=order,
                    reason=reason,
                    details=details.strip(),
                    requested_at=now,
                    respond_by=now + timedelta(hours=response_hours()),
                )
        except IntegrityError:
            raise ReturnAlreadyRequested() from None
        ReturnLine.objects.bulk_create(
            ReturnLine(return_request=request, order_line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(wanted.items())
        )
    return request


def _locked(return_id: int) -> tuple[ReturnRequest, Order, Payment]:
    """Lock payment, order, then the return: the order every money path locks in."""
    order_id = ReturnRequest.objects.values_list("order_id", flat=True).get(pk=return_id)
    checkout_id = Order.objects.values_list("checkout_id", flat=True).get(pk=order_id)
    payment = Payment.objects.select_for_update().get(checkout_id=checkout_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    request = ReturnRequest.objects.select_for_update().get(pk=return_id)
    return request, order, payment


def return_approve(
    *,
    return_id: int,
    actor=None,
    restock: bool | None = None,
    auto: bool = False,
    now: datetime | None = None,
) -> ReturnRequest:
    """Approve: refund the returned units and put them back in stock when ``restock``
    (by default, unless they came back damaged or faulty). The seller may approve even
    after the deadline; ``auto`` marks the beat task's approvals."""
    now = now or timezone.now()
    with transaction.atomic():
        request, order, payment = _locked(return_id)
        if request.status != ReturnStatus.REQUESTED:
            raise ReturnAlreadyDecided(status=request.status)
        lines = list(request.lines.select_related("order_line").order_by("order_line_id"))
        wanted = {rl.order_line_id: rl.quantity for rl in lines}
        what = "Return approved automatically" if auto else "Return approved"
        refund = refund_create(
            order=order,
            payment=payment,
            lines=wanted,
            reason=f"{what} (#{request.pk}): {request.get_reason_display()}",
            actor=actor,
        )
        if restock is None:
            restock = request.reason not in NOT_RESTOCKABLE_REASONS
        if restock:
            for rl in lines:
                stock_restore(variant_id=rl.order_line.variant_id, quantity=rl.quantity)
        request.status = ReturnStatus.APPROVED
        request.decided_at, request.decided_by = now, actor
        request.auto_approved, request.restocked, request.refund = auto, restock, refund
        request.save(
            update_fields=[
                "status",
                "decided_at",
                "decided_by",
                "auto_approved",
                "restocked",
                "refund",
            ]
        )
    with contextlib.suppress(RefundPending):  # refunds_resume records it later
        refund_execute(refund_id=refund.pk)
    request.refresh_from_db()
    return request


def return_reject(
    *, return_id: int, actor, note: str, now: datetime | None = None
) -> ReturnRequest:
    now = now or timezone.now()
    note = note.strip()
    if not note:
        raise InvalidReturn(
            "Tell the shopper why.", errors={"note": "Tell the shopper why you reject it."}
        )
    with transaction.atomic():
        request, _, _ = _locked(return_id)
        if request.status != ReturnStatus.REQUESTED:
            raise ReturnAlreadyDecided(status=request.status)
        if now > request.respond_by:
            raise ReturnResponseOverdue()
        request.status = ReturnStatus.REJECTED
        request.decided_at, request.decided_by = now, actor
        request.rejection_note = note[:500]
        request.save(update_fields=["status", "decided_at", "decided_by", "rejection_note"])
    return request


def returns_overdue_ids(*, now: datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        ReturnRequest.objects.filter(status=ReturnStatus.REQUESTED, respond_by__lt=now)
        .order_by("respond_by", "pk")
        .values_list("pk", flat=True)[:limit]
    )
