"""The creator dashboard: totals, the weekly chart, the per-video table, the latest
commissions, payouts with their statements, and targeted-plan offers.

The page's body is rendered ahead and cached per creator and chart metric
(``creators.dashboard_page``): a visit costs the session, the user and the site header.
Built, it reads the summary (rollups, cached) and a few rows through indexed, per-creator
queries (``creators.dashboard``).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from shop.services.payouts_support import payout_statement_csv

from ..dashboard import (
    COMMISSION_STATUSES,
    creator_commissions,
    creator_currency,
    creator_payouts,
)
from ..dashboard_page import creator_for_user, dashboard_page
from ..models import Creator, TargetedPlan
from ..services.plans import PlanNotOpen, plan_respond
from .dashboard_support import commission_page, status_param


def dashboard_view(view):
    """Sign-in required; a signed-in user without a creator profile gets a page saying how
    to become one (not an error). Sets ``request.creator``."""

    @login_required
    def wrapper(request, *args, **kwargs):
        creator = creator_for_user(request.user.pk)
        # The header's menu asks ``user.creator``: it is known, no second query.
        Creator.user.field.remote_field.set_cached_value(request.user, creator)
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
    return dashboard_page(request, request.creator)


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
        "currency": creator_currency(creator),
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
