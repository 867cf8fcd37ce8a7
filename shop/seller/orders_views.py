"""Seller center: orders. The list of the paid orders of every shop the user owns, one
order's page, and its actions (mark shipped, mark delivered, answer a return).

Orders and returns come through ``shop.orders.access`` (another shop's order is a 404);
a user without a shop gets the seller center's explanation (403). Forms POST and
redirect back; a form with errors is shown again with the errors beside its fields."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.money import format_money

from ..models import OrderStatus, ReturnStatus
from ..models.returns import NOT_RESTOCKABLE_REASONS
from ..orders import access, presenters
from ..orders.forms import CARRIERS, ApproveForm, RejectForm, ShipForm
from ..services.fulfilment import order_deliver, order_ship
from ..services.returns import return_approve, return_reject
from .access import no_shop_response

PAGE_SIZE = 25
TABS = [
    ("", "All"),
    (OrderStatus.PAID, "To ship"),
    ("returns", "Returns to answer"),
    (OrderStatus.SHIPPED, "Shipped"),
    (OrderStatus.DELIVERED, "Delivered"),
    (OrderStatus.COMPLETED, "Completed"),
    (OrderStatus.PARTIALLY_REFUNDED, "Partially refunded"),
    (OrderStatus.REFUNDED, "Refunded"),
    (OrderStatus.CANCELLED, "Cancelled"),
]


def shop_owner_view(view):
    """Sign-in required; a user who owns no shop is told so (403)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        sellers = list(access.sellers_owned(request.user))
        if not sellers:
            return no_shop_response(request)
        request.owned_sellers = sellers
        return view(request, *args, **kwargs)

    return wrapped


def _counts(user) -> dict[str, int]:
    orders = access.seller_orders(user)
    counts = {row["status"]: row["n"] for row in orders.values("status").annotate(n=Count("pk"))}
    counts[""] = sum(counts.values())
    counts["returns"] = (
        orders.filter(returns__status=ReturnStatus.REQUESTED).values("pk").distinct().count()
    )
    return counts


@shop_owner_view
def order_list(request):
    status = request.GET.get("status", "")
    if status not in dict(TABS):
        status = ""
    orders = access.seller_order_list(request.user, status=status)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = _counts(request.user)
    rows = [
        {
            "order": order,
            "label": presenters.status_label(order),
            "tone": presenters.status_tone(order),
            "items": sum(line.quantity for line in order.lines.all()),
            "return_waiting": bool(order.open_returns),
        }
        for order in page.object_list
    ]
    context = {
        "tabs": [(value, label, counts.get(value, 0)) for value, label in TABS],
        "status": status,
        "page": page,
        "rows": rows,
        "several_shops": len(request.owned_sellers) > 1,
    }
    return render(request, "shop/seller_orders/list.html", context)


def _detail(request, order, *, ship_form=None, reject_forms=None, status=200):
    returns = list(order.returns.all())
    for ret in returns:
        ret.approve_form = ApproveForm(
            initial={"restock": ret.reason not in NOT_RESTOCKABLE_REASONS}, prefix=f"r{ret.pk}"
        )
        ret.reject_form = (reject_forms or {}).get(ret.pk) or RejectForm(prefix=f"r{ret.pk}")
    context = {
        "order": order,
        "lines": presenters.lines_for_display(order),
        "label": presenters.status_label(order),
        "tone": presenters.status_tone(order),
        "steps": presenters.timeline(order, viewer=request.user),
        "returns": returns,
        "ship_form": ship_form or ShipForm(),
        "carriers": CARRIERS,
        "can_ship": order.status == OrderStatus.PAID,
        "can_deliver": order.status == OrderStatus.SHIPPED,
        "return_deadline": presenters.return_deadline(order),
    }
    return render(request, "shop/seller_orders/detail.html", context, status=status)


@shop_owner_view
def order_detail(request, pk: int):
    return _detail(request, access.order_for_seller(request.user, pk))


@require_POST
@shop_owner_view
def order_ship_view(request, pk: int):
    order = access.order_for_seller(request.user, pk)
    form = ShipForm(request.POST)
    if not form.is_valid():
        return _detail(request, order, ship_form=form, status=400)
    try:
        order_ship(order_id=order.pk, actor=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Order #{order.number} marked shipped; the shopper is told.")
    return redirect("seller_orders:detail", pk=order.pk)


@require_POST
@shop_owner_view
def order_deliver_view(request, pk: int):
    order = access.order_for_seller(request.user, pk)
    try:
        order_deliver(order_id=order.pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Order #{order.number} marked delivered.")
    return redirect("seller_orders:detail", pk=order.pk)


@require_POST
@shop_owner_view
def return_approve_view(request, pk: int):
    found = access.return_for_seller(request.user, pk)
    form = ApproveForm(request.POST, prefix=f"r{found.pk}")
    form.is_valid()
    try:
        approved = return_approve(
            return_id=found.pk, actor=request.user, restock=form.cleaned_data.get("restock", False)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        amount = approved.refund.amount_minor if approved.refund else 0
        money = format_money(amount, found.order.currency)
        messages.success(request, f"Return approved: {money} refunded to the shopper.")
    return redirect("seller_orders:detail", pk=found.order_id)


@require_POST
@shop_owner_view
def return_reject_view(request, pk: int):
    found = access.return_for_seller(request.user, pk)
    form = RejectForm(request.POST, prefix=f"r{found.pk}")
    if not form.is_valid():
        order = access.order_for_seller(request.user, found.order_id)
        return _detail(request, order, reject_forms={found.pk: form}, status=400)
    try:
        return_reject(return_id=found.pk, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Return rejected; the shopper sees your reason.")
    return redirect("seller_orders:detail", pk=found.order_id)
