"""Orders API for shoppers and sellers, and the payment webhook.

Thin: every object comes through ``shop.orders.access`` (someone else's order is a 404),
input is validated by a serializer, and the work is one service call."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES, DefaultCursorPagination, ErrorSerializer

from ..models import OrderStatus
from ..orders import access
from ..services.cancellation import order_cancel
from ..services.fulfilment import order_deliver, order_ship
from ..services.returns import return_approve, return_reject, return_request
from ..services.webhooks import webhook_receive
from .orders_serializers import (
    ApproveIn,
    OrderDetailOut,
    OrderSummaryOut,
    RejectIn,
    ReturnIn,
    ReturnOut,
    SellerOrderDetailOut,
    ShipIn,
    WebhookOut,
)

ERRORS = {**ERROR_RESPONSES, 409: ErrorSerializer}


def _found(fetch, user, pk: int):
    """``access`` raises Django's Http404; the API answers with its own error body."""
    try:
        return fetch(user, pk)
    except Http404:
        raise NotFound("Not found.", code="not_found") from None


class OrderPagination(DefaultCursorPagination):
    page_size = 20


def _page(view: APIView, request, queryset, serializer):
    paginator = OrderPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


def _buyer_detail(request, pk: int) -> Response:
    order = _found(access.order_for_buyer, request.user, pk)
    return Response(OrderDetailOut(order, context={"request": request}).data)


def _seller_detail(request, pk: int) -> Response:
    order = _found(access.order_for_seller, request.user, pk)
    return Response(SellerOrderDetailOut(order, context={"request": request}).data)


# --- shoppers --------------------------------------------------------------------------


class OrderListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["orders"],
        summary="The caller's orders, newest first (declined checkouts left out)",
        responses={200: OrderSummaryOut(many=True), **ERRORS},
    )
    def get(self, request):
        return _page(self, request, access.buyer_order_list(request.user), OrderSummaryOut)


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["orders"], responses={200: OrderDetailOut, **ERRORS})
    def get(self, request, pk: int):
        return _buyer_detail(request, pk)


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["orders"],
        summary="Cancel before shipping: full refund, stock restored",
        request=None,
        responses={200: OrderDetailOut, **ERRORS},
    )
    def post(self, request, pk: int):
        order = _found(access.order_for_buyer, request.user, pk)
        order_cancel(order_id=order.pk, actor=request.user)
        return _buyer_detail(request, pk)


class OrderReturnView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["orders"],
        summary="Ask to return lines of a delivered order, inside the return window",
        request=ReturnIn,
        responses={201: ReturnOut, **ERRORS},
    )
    def post(self, request, pk: int):
        order = _found(access.order_for_buyer, request.user, pk)
        data = ReturnIn(data=request.data)
        data.is_valid(raise_exception=True)
        body = data.validated_data
        lines: dict[int, int] = {}
        for line in body["lines"]:
            lines[line["line_id"]] = lines.get(line["line_id"], 0) + line["quantity"]
        created = return_request(
            order_id=order.pk,
            buyer=request.user,
            lines=lines,
            reason=body["reason"],
            details=body["details"],
        )
        return Response(ReturnOut(created).data, status=status.HTTP_201_CREATED)


# --- sellers ---------------------------------------------------------------------------


class SellerOrderListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["seller orders"],
        summary="Paid orders of the caller's shops, newest first",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=[*OrderStatus.values, "returns"],
                description='One status, or "returns" for orders with a return to answer',
            )
        ],
        responses={200: OrderSummaryOut(many=True), **ERRORS},
    )
    def get(self, request):
        orders = access.seller_order_list(
            request.user, status=request.query_params.get("status", "")
        )
        return _page(self, request, orders, OrderSummaryOut)


class SellerOrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["seller orders"], responses={200: SellerOrderDetailOut, **ERRORS})
    def get(self, request, pk: int):
        return _seller_detail(request, pk)


class SellerOrderShipView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["seller orders"],
        summary="Mark shipped with the carrier and tracking number; emails the shopper",
        request=ShipIn,
        responses={200: SellerOrderDetailOut, **ERRORS},
    )
    def post(self, request, pk: int):
        order = _found(access.order_for_seller, request.user, pk)
        data = ShipIn(data=request.data)
        data.is_valid(raise_exception=True)
        order_ship(order_id=order.pk, actor=request.user, **data.validated_data)
        return _seller_detail(request, pk)


class SellerOrderDeliverView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["seller orders"],
        summary="Mark delivered; the return window starts",
        request=None,
        responses={200: SellerOrderDetailOut, **ERRORS},
    )
    def post(self, request, pk: int):
        order = _found(access.order_for_seller, request.user, pk)
        order_deliver(order_id=order.pk, actor=request.user)
        return _seller_detail(request, pk)


class SellerReturnApproveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["seller orders"],
        summary="Approve a return: refund through the gateway, restock if sellable",
        request=ApproveIn,
        responses={200: ReturnOut, **ERRORS},
    )
    def post(self, request, pk: int):
        found = _found(access.return_for_seller, request.user, pk)
        data = ApproveIn(data=request.data)
        data.is_valid(raise_exception=True)
        approved = return_approve(
            return_id=found.pk, actor=request.user, restock=data.validated_data["restock"]
        )
        return Response(ReturnOut(approved).data)


class SellerReturnRejectView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["seller orders"],
        summary="Reject a return within 48 hours, saying why",
        request=RejectIn,
        responses={200: ReturnOut, **ERRORS},
    )
    def post(self, request, pk: int):
        found = _found(access.return_for_seller, request.user, pk)
        data = RejectIn(data=request.data)
        data.is_valid(raise_exception=True)
        rejected = return_reject(
            return_id=found.pk, actor=request.user, note=data.validated_data["note"]
        )
        return Response(ReturnOut(rejected).data)


# --- the payment processor -------------------------------------------------------------


class PaymentWebhookView(APIView):
    """Signed by the processor (``X-Signature``: HMAC-SHA256 of the raw body). Delivered
    at least once and in any order; applying one twice changes nothing."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["payments"],
        request={"application/json": {"type": "object"}},
        responses={200: WebhookOut, 400: ErrorSerializer},
    )
    def post(self, request):
        result = webhook_receive(
            body=request.body, signature=request.headers.get("X-Signature", "")
        )
        return Response({"status": result})
