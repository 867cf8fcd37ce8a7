"""Targeted commission plans over the API.

Creators: list the offers and plans made to them, accept or decline an offer.
Sellers: list the plans they made, offer one to a creator (by handle) on chosen products,
change its rate (a raise now, a cut after the notice period), withdraw it. The sellers'
side lives here, in creators, because shop never imports creators.

Every list and lookup starts from the requesting creator's or seller's own plans, so
another's plan is a 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES
from marketplace.errors import NotFound
from shop.api.permissions import IsSeller
from shop.models import Product

from ..access import access_creator
from ..errors import CreatorNotFound
from ..models import Creator, PlanStatus, TargetedPlan
from ..services.plans import (
    PlanError,
    PlanNotOpen,
    plan_offer,
    plan_rate_change,
    plan_respond,
    plan_withdraw,
)
from .money_serializers import PlanOfferInputSerializer, PlanRateInputSerializer, PlanSerializer

_ERRORS = {**ERROR_RESPONSES, 409: ERROR_RESPONSES[404]}


class PlanNotFound(NotFound):
    code = "plan_not_found"
    default_message = "No such plan."


def _plans(**owner):
    products = Prefetch("products", queryset=Product.objects.only("id", "title").order_by("id"))
    return (
        TargetedPlan.objects.filter(**owner)
        .select_related("seller", "creator")
        .prefetch_related(products)
        .order_by("-created_at", "-id")
    )


def _out(plan_id: int, code=status.HTTP_200_OK) -> Response:
    return Response(PlanSerializer(_plans(pk=plan_id).get()).data, status=code)


@extend_schema(tags=["creator money"])
class CreatorPlanListView(generics.ListAPIView):
    """Targeted-plan offers made to the creator (any status), newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = PlanSerializer
    filter_backends: list = []
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TargetedPlan.objects.none()
        return _plans(creator=access_creator(self.request.user))


class _CreatorRespondView(APIView):
    permission_classes = [IsAuthenticated]
    accept = True

    @extend_schema(tags=["creator money"], request=None, responses={200: PlanSerializer, **_ERRORS})
    def post(self, request, pk: int):
        creator = access_creator(request.user)
        try:
            plan = plan_respond(plan_id=pk, creator=creator, accept=self.accept)
        except TargetedPlan.DoesNotExist:
            raise PlanNotFound()
        return _out(plan.pk)


class CreatorPlanAcceptView(_CreatorRespondView):
    """Accept an open offer (409 ``plan_not_open`` once answered or withdrawn)."""

    accept = True


class CreatorPlanDeclineView(_CreatorRespondView):
    """Decline an open offer (409 ``plan_not_open`` once answered or withdrawn)."""

    accept = False


SELLER_PERMISSIONS = [IsAuthenticated, IsSeller]


@extend_schema(tags=["seller plans"])
class SellerPlanListView(generics.ListAPIView):
    """GET the plans the seller offered, newest first. POST offers one to a creator: codes
    ``invalid_plan`` (rate out of range, products not the seller's, another market, an
    open plan already), ``creator_not_found``."""

    permission_classes = SELLER_PERMISSIONS
    serializer_class = PlanSerializer
    filter_backends: list = []
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return TargetedPlan.objects.none()
        return _plans(seller=self.request.seller)

    @extend_schema(request=PlanOfferInputSerializer, responses={201: PlanSerializer, **_ERRORS})
    def post(self, request):
        data = PlanOfferInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        seller, values = request.seller, data.validated_data
        handle = values["creator"].strip().lstrip("@").lower()
        creator = Creator.objects.filter(handle=handle, is_active=True).first()
        if creator is None:
            raise CreatorNotFound(f"No creator @{handle}.")
        wanted = set(values["product_ids"])
        products = list(Product.objects.filter(pk__in=wanted, seller=seller))
        if len(products) != len(wanted):
            raise PlanError("Choose products from your own shop.")
        plan = plan_offer(
            seller=seller,
            creator=creator,
            products=products,
            rate_bp=values["rate_bp"],
            message=values["message"],
        )
        return _out(plan.pk, status.HTTP_201_CREATED)


def _seller_plan(request, pk: int) -> TargetedPlan:
    plan = TargetedPlan.objects.filter(pk=pk, seller=request.seller).first()
    if plan is None:
        raise PlanNotFound()
    return plan


@extend_schema(tags=["seller plans"])
class SellerPlanDetailView(APIView):
    permission_classes = SELLER_PERMISSIONS

    @extend_schema(responses={200: PlanSerializer, **_ERRORS})
    def get(self, request, pk: int):
        return _out(_seller_plan(request, pk).pk)


@extend_schema(tags=["seller plans"])
class SellerPlanRateView(APIView):
    """Change the plan's rate: a raise applies now, a cut after the notice period (the
    plan shows it as ``rate_next_bp`` from ``rate_next_at``)."""

    permission_classes = SELLER_PERMISSIONS

    @extend_schema(request=PlanRateInputSerializer, responses={200: PlanSerializer, **_ERRORS})
    def post(self, request, pk: int):
        plan = _seller_plan(request, pk)
        data = PlanRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if plan.status not in (PlanStatus.OFFERED, PlanStatus.ACCEPTED):
            raise PlanNotOpen("This plan has already ended.")
        plan_rate_change(
            plan_id=plan.pk, seller=request.seller, rate_bp=data.validated_data["rate_bp"]
        )
        return _out(plan.pk)


@extend_schema(tags=["seller plans"])
class SellerPlanWithdrawView(APIView):
    """Withdraw an offered or accepted plan (409 ``plan_not_open`` if it has ended)."""

    permission_classes = SELLER_PERMISSIONS

    @extend_schema(request=None, responses={200: PlanSerializer, **_ERRORS})
    def post(self, request, pk: int):
        plan = _seller_plan(request, pk)
        plan_withdraw(plan_id=plan.pk, seller=request.seller)
        return _out(plan.pk)
