"""The seller API: a seller's own products and variants.

Every read starts from ``seller_products_for_owner`` / ``seller_variant_for_owner``, so
another seller's product is not forbidden but absent (404): its existence is not leaked.
"""

from __future__ import annotations

from django.db.models import ProtectedError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES, ErrorSerializer
from marketplace.errors import DomainError

from ..models import Product, ProductStatus
from ..seller.selectors import (
    seller_product_for_owner,
    seller_products_for_owner,
    seller_variant_for_owner,
)
from ..services.catalog import (
    product_archive,
    product_create,
    product_update,
    variant_create,
    variant_delete,
    variant_update,
)
from .filters import SellerProductFilter
from .permissions import IsSeller
from .seller_serializers import (
    ProductCreateInputSerializer,
    ProductInputSerializer,
    SellerProductDetailSerializer,
    SellerProductSerializer,
    SellerVariantSerializer,
    VariantInputSerializer,
)

SELLER_PERMISSIONS = [IsAuthenticated, IsSeller]
_ERRORS = {403: ErrorSerializer, 404: ErrorSerializer}


class VariantInUse(DomainError):
    code = "variant_in_use"
    status = 409
    default_message = "Orders use this variant; set its stock to 0 instead."


def _detail(request, product_id: int):
    product = seller_product_for_owner(user=request.user, product_id=product_id)
    context = {"request": request, "currency": product.market.currency}
    return SellerProductDetailSerializer(product, context=context).data


@extend_schema(tags=["seller"])
class SellerProductListView(mixins.ListModelMixin, generics.GenericAPIView):
    permission_classes = SELLER_PERMISSIONS
    serializer_class = SellerProductSerializer
    filterset_class = SellerProductFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Product.objects.none()
        return seller_products_for_owner(user=self.request.user)

    @extend_schema(summary="Your products, any status, newest first")
    def get(self, request):
        return self.list(request)

    @extend_schema(
        summary="Create a product in your shop (draft unless published with variants)",
        request=ProductCreateInputSerializer,
        responses={201: SellerProductDetailSerializer, 400: ERROR_RESPONSES[400], **_ERRORS},
    )
    def post(self, request):
        seller = request.seller
        context = {"request": request, "seller": seller, "currency": seller.market.currency}
        serializer = ProductCreateInputSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        variants = [dict(v) for v in data.pop("variants", [])]
        product = product_create(seller=seller, variants=variants, **data)
        return Response(_detail(request, product.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=["seller"])
class SellerProductDetailView(APIView):
    permission_classes = SELLER_PERMISSIONS

    @extend_schema(
        summary="One of your products with its variants and images",
        responses={200: SellerProductDetailSerializer, **_ERRORS},
    )
    def get(self, request, pk: int):
        return Response(_detail(request, pk))

    @extend_schema(
        summary="Edit your product",
        request=ProductInputSerializer,
        responses={200: SellerProductDetailSerializer, 400: ERROR_RESPONSES[400], **_ERRORS},
    )
    def patch(self, request, pk: int):
        product = seller_product_for_owner(user=request.user, product_id=pk)
        context = {"request": request, "seller": product.seller}
        serializer = ProductInputSerializer(
            product, data=request.data, partial=True, context=context
        )
        serializer.is_valid(raise_exception=True)
        product_update(product=product, **serializer.validated_data)
        return Response(_detail(request, pk))

    @extend_schema(
        summary="Archive your product",
        description=(
            "Archives rather than deletes: orders, reviews and creators' videos keep "
            "pointing at the product, and shoppers stop seeing it. Repeating is harmless."
        ),
        responses={204: None, **_ERRORS},
    )
    def delete(self, request, pk: int):
        product = seller_product_for_owner(user=request.user, product_id=pk)
        product_archive(product=product)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["seller"])
class SellerVariantCreateView(APIView):
    permission_classes = SELLER_PERMISSIONS

    @extend_schema(
        summary="Add a variant to your product",
        request=VariantInputSerializer,
        responses={201: SellerVariantSerializer, 400: ERROR_RESPONSES[400], **_ERRORS},
    )
    def post(self, request, pk: int):
        product = seller_product_for_owner(user=request.user, product_id=pk)
        context = {"request": request, "product": product, "currency": product.market.currency}
        serializer = VariantInputSerializer(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        variant = variant_create(product=product, **serializer.validated_data)
        data = SellerVariantSerializer(variant, context=context).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["seller"])
class SellerVariantDetailView(APIView):
    permission_classes = SELLER_PERMISSIONS

    def _variant(self, request, pk: int):
        variant = seller_variant_for_owner(user=request.user, variant_id=pk)
        if variant is None:
            raise NotFound("No such variant in your shop.", code="variant_not_found")
        return variant

    @extend_schema(
        summary="Edit a variant of your product: price, stock, options",
        request=VariantInputSerializer,
        responses={200: SellerVariantSerializer, 400: ERROR_RESPONSES[400], **_ERRORS},
    )
    def patch(self, request, pk: int):
        variant = self._variant(request, pk)
        product = variant.product
        context = {"request": request, "product": product, "currency": product.market.currency}
        serializer = VariantInputSerializer(
            variant, data=request.data, partial=True, context=context
        )
        serializer.is_valid(raise_exception=True)
        variant = variant_update(variant=variant, **serializer.validated_data)
        return Response(SellerVariantSerializer(variant, context=context).data)

    @extend_schema(
        summary="Delete a variant of your product",
        description="A published product keeps at least one variant; archive it instead.",
        responses={204: None, 400: ERROR_RESPONSES[400], 409: ErrorSerializer, **_ERRORS},
    )
    def delete(self, request, pk: int):
        variant = self._variant(request, pk)
        product = variant.product
        if product.status == ProductStatus.ACTIVE and product.variants.count() == 1:
            raise ValidationError(
                {"non_field_errors": ["A published product needs a variant; archive it instead."]}
            )
        try:
            variant_delete(variant=variant)
        except ProtectedError:
            raise VariantInUse() from None
        return Response(status=status.HTTP_204_NO_CONTENT)
