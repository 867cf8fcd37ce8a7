"""The creator money API: dashboard numbers, commissions, payouts and their statements.

Every queryset starts from the requesting creator's own rows, so another creator's
commission or payout is a 404 whatever its id.

These are reads an app polls, so neither the token nor the creator costs a query on most
requests: the token goes through the feed's cached lookup (``CachedTokenAuthentication``:
a revoked token or a deactivated user is still accepted here for at most a minute, the
lookup's lifetime) and the creator through ``creator_for_user`` (dropped when the creator
is saved; a deactivated profile reads for at most 10 s more in a worker). Writes (plans)
authenticate against the database every time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.http import HttpResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES
from marketplace.errors import NotFound
from shop.models import Payout
from shop.services.payouts_support import payout_statement_csv

from ..dashboard import creator_commissions, creator_payouts, dashboard_summary
from ..dashboard_page import creator_for_user
from ..errors import NotACreator
from ..feed.auth import FEED_AUTHENTICATION
from ..models import Commission, CommissionStatus
from .money_serializers import CommissionSerializer, DashboardSerializer, PayoutSerializer

_READ_ERRORS = {403: ERROR_RESPONSES[403], 404: ERROR_RESPONSES[404]}
READ_AUTHENTICATION = FEED_AUTHENTICATION


def access_creator(user):
    """The requesting creator (``user`` may be the token auth's light viewer: only its id
    is read)."""
    creator = creator_for_user(user.pk)
    if creator is None or not creator.is_active:
        raise NotACreator()
    return creator


class CommissionNotFound(NotFound):
    code = "commission_not_found"
    default_message = "No such commission."


class PayoutNotFound(NotFound):
    code = "payout_not_found"
    default_message = "No such payout."


def _start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


class CommissionFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=CommissionStatus.choices)
    since = filters.DateFilter(
        method="filter_since", help_text="Paid on or after this day (UTC), YYYY-MM-DD"
    )
    until = filters.DateFilter(
        method="filter_until", help_text="Paid on or before this day (UTC), YYYY-MM-DD"
    )

    class Meta:
        model = Commission
        fields = ["status"]

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        if value >= date.max:  # the end of the calendar: every commission is before it
            return queryset
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))


@extend_schema(tags=["creator money"])
class CreatorDashboardView(APIView):
    """Totals (all time), a 12-week series and the per-video table, in the creator's
    market currency. Served from precomputed rollups, cached per creator: views and taps
    may lag by a few minutes, commission amounts change as soon as the commissions do."""

    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DashboardSerializer, 403: ERROR_RESPONSES[403]})
    def get(self, request):
        creator = access_creator(request.user)
        # Already JSON-shaped (and cached so): no serializer pass on the hot path.
        return Response(dashboard_summary(creator))


@extend_schema(tags=["creator money"])
class CreatorCommissionListView(generics.ListAPIView):
    """The creator's commissions, newest first (by the order's payment time), with each
    order line's split. Filter by ``status`` and by day (``since``, ``until``)."""

    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = CommissionSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = CommissionFilter
    cursor_ordering = ("-created_at", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Commission.objects.none()
        return creator_commissions(access_creator(self.request.user))

    @extend_schema(responses={200: CommissionSerializer(many=True), **ERROR_RESPONSES})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["creator money"])
class CreatorCommissionDetailView(APIView):
    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CommissionSerializer, **_READ_ERRORS})
    def get(self, request, pk: int):
        commission = creator_commissions(access_creator(request.user)).filter(pk=pk).first()
        if commission is None:
            raise CommissionNotFound()
        return Response(CommissionSerializer(commission).data)


@extend_schema(tags=["creator money"])
class CreatorPayoutListView(generics.ListAPIView):
    """The creator's payouts, newest week first."""

    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]
    serializer_class = PayoutSerializer
    filter_backends: list = []
    cursor_ordering = ("-period_start", "-id")

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Payout.objects.none()
        return creator_payouts(access_creator(self.request.user))

    @extend_schema(responses={200: PayoutSerializer(many=True), 403: ERROR_RESPONSES[403]})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


def _own_payout(request, pk: int) -> Payout:
    payout = creator_payouts(access_creator(request.user)).filter(pk=pk).first()
    if payout is None:
        raise PayoutNotFound()
    return payout


@extend_schema(tags=["creator money"])
class CreatorPayoutDetailView(APIView):
    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PayoutSerializer, **_READ_ERRORS})
    def get(self, request, pk: int):
        payout = _own_payout(request, pk)
        return Response(PayoutSerializer(payout, context={"request": request}).data)


@extend_schema(tags=["creator money"])
class CreatorPayoutStatementView(APIView):
    """The payout's statement as CSV: every movement it pays for, then the total."""

    authentication_classes = READ_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV statement"),
            **_READ_ERRORS,
        }
    )
    def get(self, request, pk: int):
        payout = _own_payout(request, pk)
        response = HttpResponse(payout_statement_csv(payout), content_type="text/csv")
        name = f"payout-{payout.pk}-{payout.period_start.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
