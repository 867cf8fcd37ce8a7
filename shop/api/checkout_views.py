"""POST /api/checkout/: thin — validate, then call the checkout service once per
Idempotency-Key."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import DomainError

from .. import validators
from ..models import ShippingOption
from ..payments import CardDetails
from ..services.cart import cart_get
from ..services.checkout import Address, LineRequest, checkout_place
from ..services.checkout_flow import (
    address_remember,
    cart_after_checkout,
    checkout_lines_from_cart,
    checkout_result,
)
from ..services.idempotency import idempotent, request_fingerprint


def _django_to_drf(func, *args):
    try:
        return func(*args)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class AddressIn(serializers.Serializer):
    full_name = serializers.CharField(max_length=120)
    line1 = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100)
    postal_code = serializers.CharField(max_length=20)
    country = serializers.CharField(max_length=2)

    def validate_country(self, value):
        market = self.context["market"]
        return _django_to_drf(validators.clean_country, value, market.code)


class PaymentIn(serializers.Serializer):
    card_number = serializers.CharField(write_only=True, max_length=32)
    exp_month = serializers.IntegerField()
    exp_year = serializers.IntegerField()
    cvc = serializers.CharField(write_only=True, max_length=4)

    def validate_card_number(self, value):
        return _django_to_drf(validators.clean_card_number, value)

    def validate_cvc(self, value):
        return _django_to_drf(validators.clean_cvc, value)

    def to_internal_value(self, data):
        # Check the expiry even when another field failed, so every error shows at once.
        errors: dict = {}
        value = None
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            errors = dict(exc.detail)
        try:
            expiry = validators.clean_expiry(int(data.get("exp_month")), int(data.get("exp_year")))
        except DjangoValidationError as exc:
            errors.setdefault("exp_month", []).extend(exc.messages)
        except (TypeError, ValueError, AttributeError):
            expiry = None  # the fields' own errors say what is wrong
        if errors:
            raise serializers.ValidationError(errors)
        value["exp_month"], value["exp_year"] = expiry
        return value


class LineIn(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=99)


class CheckoutIn(serializers.Serializer):
    shipping_address = AddressIn()
    shipping_option = serializers.ChoiceField(choices=ShippingOption.choices)
    payment = PaymentIn()
    lines = LineIn(many=True, required=False, max_length=50)


class OrderOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.CharField()
    total = serializers.CharField()
    total_minor = serializers.IntegerField()
    currency = serializers.CharField()


class CheckoutOut(serializers.Serializer):
    checkout_id = serializers.IntegerField()
    total = serializers.CharField()
    currency = serializers.CharField()
    orders = OrderOut(many=True)


class CheckoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CheckoutIn,
        responses={201: CheckoutOut},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                location=OpenApiParameter.HEADER,
                required=True,
                description="A unique key per checkout attempt; retries reuse it.",
            )
        ],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 120:
            return Response(
                {
                    "code": "idempotency_key_required",
                    "detail": "Send an Idempotency-Key header (at most 120 characters).",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        market = request.market
        data = CheckoutIn(data=request.data, context={"market": market})
        data.is_valid(raise_exception=True)
        body = data.validated_data

        def work() -> tuple[int, dict]:
            try:
                return status.HTTP_201_CREATED, self._place(request, body, key)
            except DomainError as exc:
                return exc.status, exc.as_dict()

        code, payload = idempotent(
            user=request.user,
            key=key,
            scope="checkout",
            fingerprint=request_fingerprint(request.data),
            work=work,
        )
        return Response(payload, status=code)

    def _place(self, request, body, key) -> dict:
        market = request.market
        cart = None
        if body.get("lines"):
            lines = [LineRequest(line["variant_id"], line["quantity"]) for line in body["lines"]]
        else:
            cart = cart_get(user=request.user, session=request.session, market=market)
            lines = checkout_lines_from_cart(cart=cart)
        card = body["payment"]
        address = Address(**body["shipping_address"])
        checkout = checkout_place(
            buyer=request.user,
            market=market,
            lines=lines,
            address=address,
            shipping_option=body["shipping_option"],
            card=CardDetails(
                number=card["card_number"],
                exp_month=card["exp_month"],
                exp_year=card["exp_year"],
                cvc=card["cvc"],
            ),
            idempotency_key=key,
        )
        cart_after_checkout(cart=cart, checkout=checkout)
        address_remember(user=request.user, address=address)
        return CheckoutOut(checkout_result(checkout=checkout)).data
