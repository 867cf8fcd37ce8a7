"""Seller center: commission plans. The open rate of each product (edited on the product's
page) and targeted offers: a rate on chosen products for one creator, which overrides the
open rate once the creator accepts.

These pages live in creators because targeted plans are creators' models (shop never
imports creators); they use the seller center's access function and base template, so a
shop sees and changes only its own plans (another shop's plan is a 404)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from marketplace.templatetags.money_tags import percent_bp
from shop.models import Product, ProductStatus
from shop.seller.access import seller_view

from ..models import Creator, PlanStatus, TargetedPlan
from ..services.plans import PlanError, PlanNotOpen, plan_offer, plan_rate_change, plan_withdraw

PRODUCTS_SHOWN = 200
PLANS_SHOWN = 100
LIVE = (PlanStatus.OFFERED, PlanStatus.ACCEPTED)


def _low() -> Decimal:
    return Decimal(settings.COMMISSION_RATE_MIN_BP) / 100


def _high() -> Decimal:
    return Decimal(settings.COMMISSION_RATE_MAX_BP) / 100


class RateField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Commission (%)")
        super().__init__(
            max_digits=5,
            decimal_places=2,
            widget=forms.NumberInput(
                attrs={"min": 1, "max": 80, "step": "0.01", "inputmode": "decimal"}
            ),
            error_messages={
                "invalid": "Enter a percentage such as 15 or 12.5.",
                "required": "Enter the commission rate.",
                "max_decimal_places": "Use at most two decimals, such as 12.25.",
            },
            **kwargs,
        )

    def clean(self, value):
        percent = super().clean(value)
        if not _low() <= percent <= _high():
            raise forms.ValidationError(
                f"The commission must be between {_low():g} % and {_high():g} %."
            )
        return percent


def rate_bp(percent: Decimal) -> int:
    return int(percent * 100)  # two decimals of a percent are whole basis points


class ProductChoices(forms.ModelMultipleChoiceField):
    """Product checkboxes; an edited value that is not an id a database can hold is an
    invalid choice, not a database error."""

    def _check_values(self, value):
        for pk in value:
            if not str(pk).isdigit() or int(pk) > 2**63 - 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                )
        return super()._check_values(value)

class OfferForm(forms.Form):
    handle = forms.CharField(
        label="Creator's handle",
        max_length=31,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
        help_text="As on their profile, e.g. @casey.creates",
        error_messages={"required": "Enter the handle of the creator you want to work with."},
    )
    products = ProductChoices(
        label="Products",
        queryset=Product.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one product.",
            "invalid_choice": "One of the chosen products is no longer on sale; choose again.",
        },
    )
    rate = RateField(help_text="Overrides the open rate for this creator once they accept.")
    message = forms.CharField(
        label="Message to the creator (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, seller, **kwargs):
        super().__init__(*args, **kwargs)
        self.seller = seller
        self.fields["products"].queryset = Product.objects.filter(
            seller=seller, status=ProductStatus.ACTIVE
        ).order_by("title")
        self.fields["rate"].initial = Decimal(15)

    def clean_handle(self) -> Creator:
        handle = self.cleaned_data["handle"].strip().lstrip("@").lower()
        creator = Creator.objects.filter(handle=handle, is_active=True).first()
        if creator is None:
            raise forms.ValidationError(f"No creator has the handle @{handle}. Check the spelling.")
        if creator.market_id != self.seller.market_id:
            raise forms.ValidationError(
                f"@{handle} sells in another market; offers go to creators in "
                f"{self.seller.market.name}."
            )
        return creator


class RateForm(forms.Form):
    rate = RateField(label="New commission (%)")


def _url(seller, name: str = "list", *args) -> str:
    return reverse(f"seller_plans:{name}", args=[seller.slug, *args])


def seller_plans(seller):
    live_first = Case(
        When(status__in=LIVE, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        TargetedPlan.objects.filter(seller=seller)
        .select_related("creator")
        .prefetch_related(Prefetch("products", queryset=Product.objects.order_by("title")))
        .annotate(live_first=live_first)
        .order_by("live_first", "-created_at", "-pk")
    )


def _page(request, seller, *, offer_form=None, rate_errors=None, status=200):
    now = timezone.now()
    products = list(
        Product.objects.filter(seller=seller)
        .exclude(status=ProductStatus.ARCHIVED)
        .order_by("title")[:PRODUCTS_SHOWN]
    )
    plans = list(seller_plans(seller)[:PLANS_SHOWN])
    rate_errors = rate_errors or {}
    for plan in plans:
        plan.rate_now = plan.rate_at(now)
        plan.is_live = plan.status in LIVE
        plan.cut_pending = plan.rate_next_at is not None and plan.rate_next_at > now
        plan.rate_form = rate_errors.get(plan.pk) or RateForm(
            prefix=f"plan{plan.pk}",
            initial={"rate": Decimal(plan.rate_next_bp or plan.rate_bp) / 100},
        )
    return render(
        request,
        "shop/seller/plans.html",
        {
            "seller": seller,
            "products": products,
            "plans": plans,
            "offer_form": offer_form or OfferForm(seller=seller),
            "notice_days": settings.COMMISSION_CUT_NOTICE_DAYS,
            "now": now,
        },
        status=status,
    )


@seller_view
def plan_list(request, seller):
    if request.method != "POST":
        return _page(request, seller)
    form = OfferForm(request.POST, seller=seller)
    if form.is_valid():
        creator = form.cleaned_data["handle"]
        try:
            plan_offer(
                seller=seller,
                creator=creator,
                products=form.cleaned_data["products"],
                rate_bp=rate_bp(form.cleaned_data["rate"]),
                message=form.cleaned_data["message"],
            )
        except PlanError as exc:
            form.add_error("handle" if "creator" in str(exc).lower() else None, str(exc))
        else:
            messages.success(
                request,
                f"Offer sent to @{creator.handle}. It applies to their sales once they accept.",
            )
            return redirect(_url(seller))
    _focus_first_error(form)
    return _page(request, seller, offer_form=form, status=400)


def _focus_first_error(form: forms.Form) -> None:
    """The form sits below the plans on a phone: take the person to what needs fixing."""
    for name in form.fields:
        if name in form.errors:
            form.fields[name].widget.attrs["autofocus"] = True
            return


@require_POST
@seller_view
def plan_rate(request, seller, pk: int):
    plan = get_object_or_404(TargetedPlan.objects.filter(status__in=LIVE), pk=pk, seller=seller)
    form = RateForm(request.POST, prefix=f"plan{plan.pk}")
    if not form.is_valid():
        _focus_first_error(form)
        return _page(request, seller, rate_errors={plan.pk: form}, status=400)
    plan = plan_rate_change(
        plan_id=plan.pk, seller=seller, rate_bp=rate_bp(form.cleaned_data["rate"])
    )
    handle = plan.creator.handle
    if plan.rate_next_at:
        messages.info(
            request,
            f"@{handle} keeps {percent_bp(plan.rate_bp)} until "
            f"{plan.rate_next_at:%-d %b %Y}, then {percent_bp(plan.rate_next_bp)}: a lower rate "
            f"takes effect after {settings.COMMISSION_CUT_NOTICE_DAYS} days' notice.",
        )
    else:
        messages.success(request, f"@{handle} now earns {percent_bp(plan.rate_bp)}.")
    return redirect(_url(seller))


@require_POST
@seller_view
def plan_withdraw_view(request, seller, pk: int):
    plan = get_object_or_404(TargetedPlan, pk=pk, seller=seller)
    try:
        plan_withdraw(plan_id=plan.pk, seller=seller)
    except PlanNotOpen as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Plan with @{plan.creator.handle} withdrawn: their next sales earn the open rate.",
        )
    return redirect(_url(seller))
