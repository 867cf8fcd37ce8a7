"""The cart API: thin views over shop.services.cart. A signed-in caller's cart is theirs;
an anonymous caller's lives in their session, as on the web."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.money import format_money

from ..cart.selectors import cart_view
from ..services import cart as cart_services


class CartItemIn(serializers.Serializer):
    variant_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=99, default=1)


class CartQuantityIn(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=0, max_value=99)


class CartLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    variant_id = serializers.IntegerField()
    product_id = serializers.IntegerField()
    title = serializers.CharField()
    variant = serializers.CharField()
    url = serializers.CharField()
    image = serializers.CharField(allow_blank=True)
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField()
    deal_price = serializers.CharField(allow_null=True)
    deal_units = serializers.IntegerField()
    total = serializers.CharField()
    total_minor = serializers.IntegerField()
    available = serializers.IntegerField()


class CartOut(serializers.Serializer):
    currency = serializers.CharField()
    item_count = serializers.IntegerField()
    subtotal = serializers.CharField()
    subtotal_minor = serializers.IntegerField()
    savings = serializers.CharField()
    lines = CartLineOut(many=True)


def _cart_body(request, cart) -> dict:
    currency = request.market.currency
    if cart is None:
        return {
            "currency": currency,
            "item_count": 0,
            "subtotal": format_money(0, currency),
            "subtotal_minor": 0,
            "savings": format_money(0, currency),
            "lines": [],
        }
    view = cart_view(cart=cart)
    lines = []
    for row in view.rows:
        image = row.product.image_list[0] if row.product.image_list else None
        lines.append(
            {
                "id": row.line.pk,
                "variant_id": row.variant.pk,
                "product_id": row.product.pk,
                "title": row.product.title,
                "variant": row.variant.label,
                "url": request.build_absolute_uri(row.product.get_absolute_url()),
                "image": request.build_absolute_uri(image.thumbnail_url)
                if image and image.thumbnail_url
                else "",
                "quantity": row.line.quantity,
                "unit_price": format_money(row.price.unit_price, currency),
                "deal_price": format_money(row.price.deal_price, currency)
                if row.price.deal_price is not None
                else None,
                "deal_units": row.price.deal_units,
                "total": format_money(row.price.total, currency),
                "total_minor": row.price.total,
                "available": row.variant.stock,
            }
        )
    return {
        "currency": currency,
        "item_count": view.item_count,
        "subtotal": format_money(view.subtotal, currency),
        "subtotal_minor": view.subtotal,
        "savings": format_money(view.savings, currency),
        "lines": lines,
    }


def _cart(request, *, create=False):
    finder = cart_services.cart_get_or_create if create else cart_services.cart_get
    return finder(user=request.user, session=request.session, market=request.market)


class CartView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: CartOut})
    def get(self, request):
        return Response(_cart_body(request, _cart(request)))


class CartItemsView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=CartItemIn, responses={201: CartOut})
    def post(self, request):
        data = CartItemIn(data=request.data)
        data.is_valid(raise_exception=True)
        cart = _cart(request, create=True)
        cart_services.cart_add(cart=cart, **data.validated_data)
        return Response(_cart_body(request, cart), status=status.HTTP_201_CREATED)


class CartItemView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=CartQuantityIn, responses={200: CartOut})
    def patch(self, request, pk: int):
        data = CartQuantityIn(data=request.data)
        data.is_valid(raise_exception=True)
        cart = _cart(request)
        if cart is None:
            from ..errors import CartLineNotFound

            raise CartLineNotFound()
        cart_services.cart_set_quantity(
            cart=cart, line_id=pk, quantity=data.validated_data["quantity"]
        )
        return Response(_cart_body(request, cart))

    @extend_schema(responses={200: CartOut})
    def delete(self, request, pk: int):
        cart = _cart(request)
        if cart is None:
            from ..errors import CartLineNotFound

            raise CartLineNotFound()
        cart_services.cart_remove(cart=cart, line_id=pk)
        return Response(_cart_body(request, cart))
