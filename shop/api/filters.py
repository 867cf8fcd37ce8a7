"""Query-string filters for product listings (django-filter)."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from marketplace.api import request_market
from marketplace.money import currency, to_minor

from ..models import ProductStatus, Variant
from ..selectors import DEFAULT_SORT, SORTS, product_search_filter

PRICE_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "example": "25.00",
    "description": "Decimal in the market's currency, compared with the from-price",
}
SORT_LABELS = {
    "popular": "Best selling first",
    "newest": "Newest first",
    "price_asc": "Price, low to high",
    "price_desc": "Price, high to low",
}
SORT_CHOICES = [(key, SORT_LABELS.get(key, key)) for key in SORTS]


class ProductFilter(filters.FilterSet):
    """Search, category, price range and sort over ``selectors.product_list``.

    Prices are decimal strings in the market's currency and compare with the product's
    "from" price (its cheapest variant).
    """

    q = filters.CharFilter(method="filter_search", help_text="Search title, description, tags")
    search = filters.CharFilter(method="filter_search", help_text="Same as q")
    category = filters.CharFilter(field_name="category__slug", help_text="Category slug")
    min_price = filters.NumberFilter(method="filter_min_price", min_value=0)
    max_price = filters.NumberFilter(method="filter_max_price", min_value=0)
    sort = filters.ChoiceFilter(
        choices=SORT_CHOICES,
        method="filter_sort",
        empty_label=None,
        help_text=f"Default {DEFAULT_SORT}; the cursor follows the sort",
    )

    def filter_search(self, queryset, name, value):
        return queryset.filter(product_search_filter(value))

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    @extend_schema_field(PRICE_SCHEMA)
    def filter_min_price(self, queryset, name, value):
        return queryset.filter(price_minor__gte=self._minor(name, value))

    @extend_schema_field(PRICE_SCHEMA)
    def filter_max_price(self, queryset, name, value):
        return queryset.filter(price_minor__lte=self._minor(name, value))

    def _minor(self, name, value) -> int:
        code = request_market(self.request).currency
        try:
            return to_minor(value, code)
        except ValueError:
            places = currency(code).exponent
            raise ValidationError(
                {name: [f"{code} amounts have at most {places} decimal places."]}
            ) from None


class SellerProductFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ProductStatus.choices)
    q = filters.CharFilter(method="filter_search", help_text="Search title, SKU or handle")

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_sku = Variant.objects.filter(sku=value).values("product_id")
        return queryset.filter(
            Q(title__icontains=value) | Q(handle__icontains=value) | Q(id__in=by_sku)
        )
