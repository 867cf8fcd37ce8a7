"""The creator dashboard: totals, the weekly chart, the per-video table, the latest
commissions, payouts with their statements, and targeted-plan offers.

Reads come from ``creators.dashboard``: the summary at the top is precomputed (rollups,
cached), the lists below are a few rows read through indexed, per-creator queries.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shop.services.payouts_support import payout_statement_csv

from ..access import creator_of
from ..dashboard import (
    COMMISSION_STATUSES,
    creator_commissions,
    creator_offers,
    creator_payouts,
    dashboard_summary,
)
from ..dashboard_chart import METRICS, line_chart
from ..models import PlanStatus, TargetedPlan
from ..services.plans import PlanNotOpen, plan_respond
from .dashboard_support import commission_page, status_param

RECENT_COMMISSIONS = 10
RECENT_PAYOUTS = 10


def _percent(ratio: float | None) -> str:
    if ratio is None:
        return "—"
    return f"{ratio * 100:.1f}".removesuffix(".0") + "\u00a0%"


def dashboard_view(view):
    """Sign-in required; a signed-in user without a creator profile gets a page saying how
    to become one (not an error). Sets ``request.creator``."""

    @login_required
    def wrapper(request, *args, **kwargs):
        creator = creator_of(request.user)
        if creator is None or not creator.is_active:
            inactive = creator is not None
            return render(
                request,
                "creators/dashboard/not_creator.html",
                {"inactive": inactive},
                status=403 if inactive else 200,
            )
        request.creator = creator
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_GET
@dashboard_view
def creator_dashboard(request):
    creator = request.creator
    summary = dashboard_summary(creator)
    cur = summary["currency"]
    metric = request.GET.get("chart", "")
    chart = line_chart(summary["series"], metric=metric, cur=cur)
    offers = list(creator_offers(creator, open_only=True)[:20])
    context = {
        "creator": creator,
        "summary": summary,
        "totals": summary["totals"],
        "currency": cur,
        "chart": chart,
        "videos": [{**v, "conversion_text": _percent(v["conversion"])} for v in summary["videos"]],
        "metrics": METRICS,
        "commissions": list(creator_commissions(creator)[:RECENT_COMMISSIONS]),
        "payouts": list(creator_payouts(creator)[:RECENT_PAYOUTS]),
        "offers": [p for p in offers if p.status == PlanStatus.OFFERED],
        "plans": [p for p in offers if p.status == PlanStatus.ACCEPTED],
    }
    return render(request, "creators/dashboard/dashboard.html", context)


@require_GET
@dashboard_view
def creator_commission_list(request):
    creator = request.creator
    status = status_param(request.GET.get("status"))
    rows = creator_commissions(creator, status=status or None)
    page, next_cursor = commission_page(rows, request.GET.get("before"))
    context = {
        "creator": creator,
        "commissions": page,
        "next_cursor": next_cursor,
        "status": status,
        "statuses": COMMISSION_STATUSES,
        "currency": creator.market.currency,
    }
    return render(request, "creators/dashboard/commissions.html", context)


@require_GET
@dashboard_view
def creator_payout_statement(request, pk: int):
    """The payout's CSV statement. Another creator's payout is a 404."""
    payout = creator_payouts(request.creator).filter(pk=pk).select_related("account").first()
    if payout is None:
        raise Http404("No such payout.")
    response = HttpResponse(payout_statement_csv(payout), content_type="text/csv; charset=utf-8")
    name = f"payout-{payout.pk}-{payout.period_start.isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@dashboard_view
def creator_offer_respond(request, pk: int, answer: str):
    accept = answer == "accept"
    try:
        plan = plan_respond(plan_id=pk, creator=request.creator, accept=accept)
    except TargetedPlan.DoesNotExist:
        raise Http404("No such offer.")
    except PlanNotOpen as exc:
        messages.error(request, exc.message)
    else:
        rate = f"{plan.rate_bp / 100:g} %"
        if accept:
            messages.success(
                request, f"You accepted {plan.seller.name}'s offer: {rate} on their products."
            )
        else:
            messages.info(request, f"You declined {plan.seller.name}'s offer of {rate}.")
    return redirect(f"{reverse('creator-dashboard')}#offers")
