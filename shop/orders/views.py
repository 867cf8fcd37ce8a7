"""The shopper's order pages: the list, one order's page, cancelling, asking for a return.

Every order comes through ``access`` (another shopper's order is a 404). Forms POST and
redirect back (POST-redirect-GET); a refused action is explained on the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from marketplace.errors import DomainError

from ..services.cancellation import order_cancel as cancel_service
from ..services.refunds import order_refundable_minor
from ..services.returns import return_request, returnable_quantities
from . import access, presenters
from .forms import ReturnForm

PAGE_SIZE = 20


@login_required
def order_list(request):
    orders = access.buyer_order_list(request.user)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "order": order,
            "label": presenters.status_label(order),
            "tone": presenters.status_tone(order),
            "lines": list(order.lines.all()),
            "return_waiting": bool(order.open_returns),
        }
        for order in page.object_list
    ]
    return render(request, "shop/orders/list.html", {"page": page, "rows": rows})


def _detail_context(request, order) -> dict:
    now = timezone.now()
    lines = presenters.lines_for_display(order)
    returns = list(order.returns.all())
    return {
        "order": order,
        "lines": lines,
        "label": presenters.status_label(order),
        "tone": presenters.status_tone(order),
        "payment_failed": presenters.payment_failed(order),
        "steps": presenters.timeline(order, viewer=request.user),
        "can_cancel": presenters.can_cancel(order),
        "can_return": presenters.can_return(order, now=now),
        "return_deadline": presenters.return_deadline(order),
        "window_open": bool(
            presenters.return_deadline(order) and now <= presenters.return_deadline(order)
        ),
        "returns": returns,
        "refunds": list(order.refunds.all()),
        "shipping_refunded": presenters.shipping_refunded(order),
        "payment": getattr(order.checkout, "payment", None),
    }


@login_required
def order_detail(request, pk: int):
    order = access.order_for_buyer(request.user, pk)
    return render(request, "shop/orders/detail.html", _detail_context(request, order))


@login_required
def order_cancel(request, pk: int):
    order = access.order_for_buyer(request.user, pk)
    if not presenters.can_cancel(order):
        messages.error(request, "This order can no longer be cancelled.")
        return redirect("order-detail", pk=order.pk)
    if request.method == "POST":
        try:
            cancelled = cancel_service(order_id=order.pk, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if cancelled.refunds.exists():
                messages.success(request, "Your order is cancelled. Your refund is on its way.")
            else:
                messages.success(request, "Your order is cancelled. You were not charged.")
        return redirect("order-detail", pk=order.pk)
    refund = order_refundable_minor(order) if order.paid_at else 0
    return render(request, "shop/orders/cancel.html", {"order": order, "refund": refund})


@login_required
def order_return(request, pk: int):
    order = access.order_for_buyer(request.user, pk)
    if not presenters.can_return(order):
        messages.error(request, "This order cannot be returned now.")
        return redirect("order-detail", pk=order.pk)
    lines = list(order.lines.all())
    returnable = returnable_quantities(order)
    form = ReturnForm(request.POST or None, lines=lines, returnable=returnable)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            return_request(
                order_id=order.pk,
                buyer=request.user,
                lines=form.lines_wanted(),
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(
                request, "Your return request is with the seller. They answer within 48 hours."
            )
            return redirect("order-detail", pk=order.pk)
    context = {
        "order": order,
        "form": form,
        "error": error,
        "return_deadline": presenters.return_deadline(order),
    }
    return render(request, "shop/orders/return_form.html", context)
