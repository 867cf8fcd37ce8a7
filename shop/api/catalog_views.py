"""The shopper's catalog API: listing, product detail, live deals. Read-only, anonymous
allowed, always scoped to one market."""

from __future__ import annotations

import hashlib

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from marketplace.api import ERROR_RESPONSES, MARKET_PARAMETER, request_market

from .. import cache as catalog_cache
from ..errors import ProductNotFound
from ..models import Deal, Product
from ..selectors import deal_queryset_live, product_detail, product_list
from .cached_reads import CachedReadMixin
from .catalog_serializers import DealSerializer, ProductCardSerializer, ProductDetailSerializer
from .filters import ProductFilter


@extend_schema(tags=["catalog"], parameters=[MARKET_PARAMETER])
class ProductListView(CachedReadMixin, generics.ListAPIView):
    """Products a shopper in the market may see: search, category, price range and sort,
    cursor-paginated (the cursor follows the chosen sort)."""

    permission_classes = [AllowAny]
    serializer_class = ProductCardSerializer
    filterset_class = ProductFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return Product.objects.none()
        market = request_market(self.request)
        return (
            product_list(market_code=market.code)
            .select_related("seller", "category")
            # A card shows neither; they are the widest columns of the row.
            .defer("description", "search_document")
        )

    def list(self, request, *args, **kwargs):
        """A page's JSON is the same for every client at the same URL, host and market: it
        is cached under the listing generation (shop.cache), which moves on any write to
        products, sellers or categories; a repeated search then costs no query."""
        # Only the plain JSON rendering is cached (not the browsable API, nor indented).
        plain = request.accepted_media_type == JSONRenderer.media_type
        key = _listing_key(request, request_market(request)) if plain else None
        generation, body = catalog_cache.listing_get(key) if key else (None, None)
        if body is None:
            response = super().list(request, *args, **kwargs)
            if generation is None or response.status_code != 200:
                return response
            body = JSONRenderer().render(response.data)
            catalog_cache.listing_put(key, generation, body)
        return HttpResponse(body, content_type="application/json")

    def cached_body(self, request, market, **kwargs) -> bytes | None:
        return catalog_cache.listing_get(_listing_key(request, market))[1]


def _listing_key(request, market) -> str:
    raw = "|".join([request.build_absolute_uri(), market.code, market.currency])
    digest = hashlib.blake2b(raw.encode(), digest_size=12).hexdigest()
    return f"{catalog_cache.PREFIX}:apilist:{digest}"


@extend_schema(
    tags=["catalog"],
    parameters=[MARKET_PARAMETER],
    responses={200: ProductDetailSerializer, 404: ERROR_RESPONSES[404]},
)
class ProductDetailView(CachedReadMixin, APIView):
    """One visible product with its variants, their live deals, images and seller.
    Code ``product_not_found`` when the product is not shown in the market."""

    permission_classes = [AllowAny]

    def get(self, request, pk: int):
        # The rendered JSON is cached under the product's version (shop.cache): one cache
        # round trip says whether the product is visible, which rendering is current and
        # holds it; the database is asked only when the listing generation moved. The
        # absolute URLs inside depend on the host.
        market_code = request_market(request).code
        key = _detail_key(request, pk, market_code)
        looked_up = getattr(self, "_looked_up", None)  # by cached_body, this request
        if looked_up is not None and looked_up[0] == key:
            version, body = looked_up[1], None
        else:
            version, body = catalog_cache.versioned_get(pk, market_code, key)
        if version is None:
            raise ProductNotFound()
        if body is None:
            product = product_detail(product_id=pk, market_code=market_code)
            context = {"request": request, "currency": product.market.currency}
            body = JSONRenderer().render(ProductDetailSerializer(product, context=context).data)
            until = catalog_cache.next_deal_boundary([pk]).get(pk, catalog_cache.FOREVER)
            catalog_cache.versioned_put(key, version, body, until)
        return HttpResponse(body, content_type="application/json")

    def cached_body(self, request, market, pk: int, **kwargs) -> bytes | None:
        key = _detail_key(request, pk, market.code)
        version, body = catalog_cache.versioned_get(pk, market.code, key)
        self._looked_up = (key, version)
        return body


def _detail_key(request, pk: int, market_code: str) -> str:
    origin = f"{request.scheme}://{request.get_host()}"
    return f"{catalog_cache.PREFIX}:api:{pk}:{market_code}:{origin}"


@extend_schema(tags=["catalog"], parameters=[MARKET_PARAMETER])
class DealListView(generics.ListAPIView):
    """Deals live now in the market, soonest-ending first. Expired and used-up deals drop
    out by themselves."""

    permission_classes = [AllowAny]
    serializer_class = DealSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Deal.objects.none()
        return deal_queryset_live(market_code=request_market(self.request).code)
