"""The shopper's HTML pages: the Shop tab and the product page. Thin: reads go through
shop.selectors; what a page shows beyond the catalog comes from marketplace.hooks."""

import time

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from marketplace.hooks import product_sections, product_sections_max_age

from . import cache as catalog_cache
from . import documents, selectors
from .errors import ProductNotFound
from .models import Product

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
    """The Shop tab. With ``HX-Request`` it answers only the next page of cards. A guest's
    page comes whole from the cache (shop.documents) under its ids' versions."""
    market = request.market
    if not market:
        return render(request, "shop/no_market.html", status=503)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    category = request.GET.get("category", "").strip()
    sort = request.GET.get("sort", "")
    sort = sort if sort in selectors.SORTS else selectors.DEFAULT_SORT
    cursor = request.GET.get("after", "")
    first_page_of_everything = not (query or category or cursor)
    guest = documents.for_guest(request)
    # A search or a later page has no deals strip (whose deals start and end by the clock):
    # a guest's copy is cached under the listing generation, read before anything else.
    # Read with the generation in one round trip (shop.cache.listing_get).
    generation = listing_key = None
    if guest and not first_page_of_everything and not request.headers.get("HX-Request"):
        listing_key = documents.key(request, "listing")
        generation, html = catalog_cache.listing_get(listing_key)
        if html is not None:
            return _guest_response(request, html, countdowns=False)
    ids = selectors.product_page_ids(
        market_code=market.code,
        search=query,
        category=category,
        sort=sort,
        cursor=cursor,
        size=PAGE_SIZE,
    )
    context = {"query": query, "category": category, "sort": sort}
    if request.headers.get("HX-Request"):
        page = {"cards": cards_html(ids.rows, market.code), "next_cursor": ids.next_cursor}
        response = render(request, "shop/_product_page.html", {**context, "page": page})
        patch_vary_headers(response, ["HX-Request"])
        return response
    strip = _deal_strip_versions(market.code) if first_page_of_everything else []
    if guest:
        version = catalog_cache.card_version(ids.rows, ids.next_cursor, strip)
        doc_key = documents.key(request, "shop", version)
        html = documents.get(doc_key)
        if html is None:
            html = documents.stamp(
                request,
                "shop/shop_home.html",
                _home_context(context, ids, market, strip, cursor, documents.MESSAGES_MARK),
            )
            if html is not None:
                # Category names come from a 60 s cache: a rename shows within a minute here too.
                documents.put(doc_key, html, time.time() + CATEGORIES_TTL_S)
        if html is not None:
            if generation is not None:
                catalog_cache.listing_put(listing_key, generation, html)
            return _guest_response(request, html, countdowns=bool(strip))
    messages_html = mark_safe(_messages_html(request))  # noqa: S308 - our template
    context = _home_context(context, ids, market, strip, cursor, messages_html)
    context["deals_html"] = mark_safe(catalog_cache.fill_countdowns(context["deals_html"]))  # noqa: S308
    response = render(request, "shop/shop_home.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _guest_response(request, html: str, *, countdowns: bool):
    html = documents.fill(request, html, messages_html=_messages_html(request))
    if countdowns:
        html = catalog_cache.fill_countdowns(html)
    response = documents.response(html)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _home_context(context: dict, ids, market, strip: list, cursor: str, messages_html) -> dict:
    categories = _categories()
    category = context["category"]
    return {
        **context,
        "page": {"cards": cards_html(ids.rows, market.code), "next_cursor": ids.next_cursor},
        "categories": categories,
        "current_category": next((c for c in categories if c.slug == category), None),
        "sort_choices": SORT_CHOICES,
        "deals_html": _deals_html(market.code, strip),
        "continued": bool(cursor),
        "messages_html": messages_html,
    }


def cards_html(rows: list[tuple], market_code: str) -> list[str]:
    """Each product's grid card, from the cache under its version (id, updated_at,
    sold_count: every write that changes a card bumps one of them); misses are rendered
    together, in two queries whatever their number, and stored."""
    keys = {
        pk: catalog_cache.card_key(pk, market_code, catalog_cache.card_version(*v))
        for pk, *v in rows
    }
    found = catalog_cache.get_many(list(keys.values()))
    missing = [pk for pk in keys if keys[pk] not in found]
    if missing:
        products = (
            Product.objects.filter(id__in=missing)
            .select_related("market")
            .prefetch_related(selectors.first_image_prefetch())
            .defer("description", "search_document")
        )
        fresh = {
            keys[p.id]: render_to_string("shop/_product_card.html", {"p": p}) for p in products
        }
        catalog_cache.put_many({k: (html, catalog_cache.FOREVER) for k, html in fresh.items()})
        found.update(fresh)
    return [mark_safe(found[keys[pk]]) for pk in keys if keys[pk] in found]  # noqa: S308


CATEGORIES_TTL_S = 60  # names and order only; a rename shows within a minute


def _categories() -> list:
    def load():
        return list(selectors.category_list())

    try:
        return cache.get_or_set(f"{catalog_cache.PREFIX}:categories", load, CATEGORIES_TTL_S)
    except Exception:  # noqa: BLE001 - a cache outage renders from the database
        return load()


def _deal_strip_versions(market_code: str) -> list[tuple]:
    return selectors.deal_strip_versions(market_code=market_code)


def _deals_html(market_code: str, versions: list[tuple]) -> str:
    """The deals strip, cached under what it shows: its deals' ids, units sold and their
    products' versions (``versions``, read in one query). A deal starting, ending or selling
    out changes that list by itself; countdowns are left empty, for the caller to fill
    per request (catalog_cache.fill_countdowns)."""
    if not versions:
        return ""
    key = f"{catalog_cache.PREFIX}:deals:{market_code}:{catalog_cache.card_version(*versions)}"
    html = catalog_cache.get(key)
    if html is None:
        deals = selectors.deal_list_live(market_code=market_code)
        html = render_to_string("shop/_deals_strip.html", {"deals": deals}) if deals else ""
        until = min((d.ends_at.timestamp() for d in deals), default=catalog_cache.FOREVER)
        catalog_cache.put(key, html, until)
    return mark_safe(html)  # noqa: S308 - our template


_CSRF_MARK = "__pd_csrf_token__"
_NEXT_MARK = "__pd_next_path__"
_SECTIONS = "<!--pd-sections-->"


@require_GET
def product_detail(request, pk: int, slug: str | None = None):
    """The product page. Its body comes from the cache under the product's version and the
    selected variant (shop.cache), a guest's whole document too (shop.documents, one cache
    round trip and no query while the version is remembered); what depends on the viewer
    is filled in per request."""
    market = request.market
    if not market:
        raise Http404("No market is set up yet.")
    # The market's switches show on the page (checkout on or off).
    market_state = f"{market.code}{int(market.checkout_enabled)}"
    guest = documents.for_guest(request)
    # Under the exact URL: only a URL that rendered the current version (no redirect) is
    # stored there.
    doc_key = documents.key(request, "product", market_state) if guest else None
    version, html = catalog_cache.versioned_get(pk, market.code, doc_key)
    if version is None:
        raise Http404("No such product in this market.")
    if html is not None:
        return documents.response(_fill_product(request, pk, html))
    wanted = request.GET.get("variant", "")
    wanted = wanted if wanted.isdigit() and len(wanted) < 20 else ""
    key = catalog_cache.detail_key("page", pk, market_state, version, wanted)
    page = catalog_cache.get(key)
    if page is None:
        page = _product_page(pk, market, wanted)
        if page is None:
            raise Http404("No such product in this market.")
        # A variant id that is not this product's renders the default; not worth a key.
        if not wanted or page["matched"]:
            catalog_cache.put(key, page, page["valid_until"])
    if slug is not None and slug != page["slug"]:
        query = request.META.get("QUERY_STRING", "")
        return redirect(f"{page['url']}?{query}" if query else page["url"], permanent=True)
    content = page["content"].replace(_NEXT_MARK, escape(request.get_full_path()), 1)
    if guest:
        stamped = content.replace(_CSRF_MARK, documents.CSRF_MARK, 1)
        context = {"page": page, "content": mark_safe(stamped)}  # noqa: S308 - our template
        html = documents.stamp(request, "shop/product_detail.html", context)
        if html is not None:
            catalog_cache.versioned_put(doc_key, version, html, page["valid_until"])
            return documents.response(_fill_product(request, pk, html))
    content = _fill_product(request, pk, content.replace(_CSRF_MARK, get_token(request), 1))
    return render(
        request,
        "shop/product_detail.html",
        {"page": page, "content": mark_safe(content)},  # noqa: S308 - our template, escaped
    )


def _fill_product(request, pk: int, html: str) -> str:
    """What the product page shows this viewer: messages, other apps' sections, countdowns;
    in a guest's document also the CSRF token and the cart badge (shop.documents)."""
    if documents.CSRF_MARK in html:
        html = documents.fill(request, html)
    html = html.replace("<!--pd-messages-->", _messages_html(request), 1).replace(
        _SECTIONS, _sections_html(request, pk), 1
    )
    return catalog_cache.fill_countdowns(html) if "data-countdown>" in html else html


def _messages_html(request) -> str:
    storage = get_messages(request)
    if not len(storage):  # counting does not mark them read
        return ""
    return render_to_string("shop/_messages.html", {"messages": storage})


def _sections_html(request, pk: int) -> str:
    """Other apps' sections that depend on the viewer, per request. The product is loaded
    only if a section reads more than its id."""
    product = _LazyProduct(pk)
    return "".join(
        f'<div class="pd-section">{render_to_string(name, ctx, request=request)}</div>'
        for name, ctx in product_sections(request, product, viewer_independent=False)
    )


def _shared_sections_html(product) -> str:
    """Other apps' sections that show every viewer the same (marketplace.hooks): rendered
    with the page body, before the per-request ones."""
    return "".join(
        f'<div class="pd-section">{render_to_string(name, ctx)}</div>'
        for name, ctx in product_sections(None, product, viewer_independent=True)
    )


class _LazyProduct(SimpleLazyObject):
    """A product whose ``pk``/``id`` cost nothing; any other attribute loads the row."""

    def __init__(self, pk: int):
        super().__init__(
            lambda: Product.objects.select_related("seller", "market", "category").get(pk=pk)
        )
        self.__dict__["pk"] = self.__dict__["id"] = pk

    def __getattribute__(self, name):
        if name in ("pk", "id"):
            return object.__getattribute__(self, "__dict__")[name]
        return super().__getattribute__(name)


def _product_page(pk: int, market, wanted: str) -> dict | None:
    try:
        product = selectors.product_detail(product_id=pk, market_code=market.code)
    except ProductNotFound:
        return None
    offers = product.offers
    chosen = next((o for o in offers if str(o.variant.pk) == wanted), None)
    selected = (
        chosen or next((o for o in offers if o.in_stock), None) or (offers[0] if offers else None)
    )
    content = render_to_string(
        "shop/_product_detail_body.html",
        {
            "product": product,
            "offers": offers,
            "selected": selected,
            "prices_vary": len({o.price_minor for o in offers}) > 1,
            "has_options": len(offers) > 1 or bool(offers and offers[0].variant.options),
            "in_stock": any(o.in_stock for o in offers),
            "market": market,
        },
    )
    # The viewer-independent sections go into the cached body, ahead of the mark the
    # per-request ones fill; the body is then served no longer than they may be shown.
    content = content.replace(_SECTIONS, _shared_sections_html(product) + _SECTIONS, 1)
    valid_until = catalog_cache.next_deal_boundary([pk]).get(pk, catalog_cache.FOREVER)
    max_age = product_sections_max_age()
    if max_age is not None:
        valid_until = min(valid_until, time.time() + max_age)
    return {
        "slug": product.slug,
        "url": product.get_absolute_url(),
        "title": product.title,
        "description": Truncator(strip_tags(product.description)).chars(160),
        "content": content,
        "matched": chosen is not None,
        "valid_until": valid_until,
    }
