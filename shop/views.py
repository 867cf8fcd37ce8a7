"""The shopper's HTML pages: the Shop tab and the product page. Thin: reads go through
shop.selectors; what a page shows beyond the catalog comes from marketplace.hooks."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from marketplace.hooks import product_sections

from . import selectors
from .errors import ProductNotFound

PAGE_SIZE = 24
SORT_CHOICES = [
    ("popular", "Popular"),
    ("newest", "Newest"),
    ("price_asc", "Price: low to high"),
    ("price_desc", "Price: high to low"),
]
SEARCH_MAX_LENGTH = 100


@require_GET
def shop_home(request):
    """The Shop tab. With ``HX-Request`` it answers only the next page of cards."""
    market = request.market
    if not market:
        return render(request, "shop/no_market.html", status=503)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    category = request.GET.get("category", "").strip()
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.SORTS else selectors.DEFAULT_SORT
    cursor = request.GET.get("after", "")
    page = selectors.product_page(
        market_code=market.code,
        search=query,
        category=category,
        sort=sort,
        cursor=cursor,
        size=PAGE_SIZE,
    )
    context = {"page": page, "query": query, "category": category, "sort": sort}
    if request.headers.get("HX-Request"):
        response = render(request, "shop/_product_page.html", context)
    else:
        categories = list(selectors.category_list())
        first_page_of_everything = not (query or category or cursor)
        context.update(
            categories=categories,
            current_category=next((c for c in categories if c.slug == category), None),
            sort_choices=SORT_CHOICES,
            deals=selectors.deal_list_live(market_code=market.code)
            if first_page_of_everything
            else [],
            continued=bool(cursor),
        )
        response = render(request, "shop/shop_home.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def product_detail(request, pk: int, slug: str | None = None):
    market = request.market
    if not market:
        raise Http404("No market is set up yet.")
    try:
        product = selectors.product_detail(product_id=pk, market_code=market.code)
    except ProductNotFound:
        raise Http404("No such product in this market.")
    if slug is not None and slug != product.slug:
        url = product.get_absolute_url()
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{url}?{query}" if query else url, permanent=True)
    offers = product.offers
    wanted = request.GET.get("variant", "")
    selected = (
        next((o for o in offers if str(o.variant.pk) == wanted), None)
        or next((o for o in offers if o.in_stock), None)
        or (offers[0] if offers else None)
    )
    sections = [
        render_to_string(template_name, section_context, request=request)
        for template_name, section_context in product_sections(request, product)
    ]
    return render(
        request,
        "shop/product_detail.html",
        {
            "product": product,
            "offers": offers,
            "selected": selected,
            "prices_vary": len({o.price_minor for o in offers}) > 1,
            "has_options": len(offers) > 1 or bool(offers and offers[0].variant.options),
            "in_stock": any(o.in_stock for o in offers),
            "sections": sections,
        },
    )
