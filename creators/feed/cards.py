"""Pre-serialised feed cards: what every viewer sees of a video, cached per video.

A card is stored as its stamp (a hash of its JSON, ``STAMP_LEN`` characters) followed by
the JSON. Each worker keeps the cards it decoded by (video id, stamp), so a page's Lua
call returns only the stamps (GETRANGE) and the cards come from memory; a stamp the
worker has not seen costs one MGET of the whole values. Misses are built with one query
(a LEFT JOIN from videos to their tagged products) and cached. Cards live a short time
and are dropped explicitly when what they show changes: ``cards_forget`` after counters
are folded, ``cards_forget_for_products`` when a product's price or stock changes.

What differs per viewer (liked, following, reasons) is laid over a copy in ``overlay``.
"""

from __future__ import annotations

import hashlib
import json

from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from marketplace.money import format_money, to_decimal
from shop.models import ProductImage, ProductStatus

from ..models import Video, VideoProduct, VideoStatus
from . import store

# Explicit refreshes cover what this app changes; the TTL bounds staleness from writers
# that bypass save() (stock moved with F() at checkout). Pool items are refreshed at
# every pool build (~2 min) anyway.
CARD_TTL_S = 300
LOW_STOCK = 5
# Stamped cards have a key of their own ("card:" held bare JSON): processes of an older
# build, still running during a deploy, never read a stamped value, nor overwrite one.
KEY_PREFIX = "card2:"
_KEY = KEY_PREFIX + "{}"


def tap_url(video_id: int, product_id: int) -> str:
    return reverse("feed-tap", kwargs={"video_id": video_id, "product_id": product_id})


def product_page_url(product_id: int, title: str) -> str:
    slug = slugify(title)[:80] or "product"
    try:
        return reverse("product-detail", kwargs={"pk": product_id, "slug": slug})
    except NoReverseMatch:
        return f"/products/{product_id}/"


def creator_url(handle: str) -> str:
    try:
        return reverse("creator-profile", kwargs={"handle": handle})
    except NoReverseMatch:
        return f"/@{handle}/"


def share_url(video_id: int) -> str:
    return f"/?v={video_id}"


def compact(number: int | None) -> str:
    """1234 -> "1.2k": counts on the rail, where space is short (feed-items.js does the same)."""
    n = int(number or 0)
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if n >= size:
            return f"{n / size:.1f}".removesuffix(".0") + suffix
    return str(n)


def _media_url(name: str | None) -> str:
    return default_storage.url(name) if name else ""


def stock_label(stock: int) -> str:
    if stock <= 0:
        return "Sold out"
    if stock <= LOW_STOCK:
        return f"Only {stock} left"
    return ""


def _image_subquery(field: str):
    return Subquery(
        ProductImage.objects.filter(product_id=OuterRef("tags__product_id"))
        .order_by("position", "id")
        .values(field)[:1]
    )


_CARD_FIELDS = (
    "id",
    "caption",
    "hashtags",
    "file",
    "poster",
    "duration_ms",
    "width",
    "height",
    "published_at",
    "category_id",
    "market__currency",
    "view_count",
    "like_count",
    "share_count",
    "completion_count",
    "creator_id",
    "creator__handle",
    "creator__display_name",
    "creator__avatar",
    "tags__position",
    "tags__product_id",
    "tags__product__title",
    "tags__product__price_minor",
    "tags__product__compare_at_minor",
    "tags__product__stock_total",
    "tags__product__status",
)


def _product(row: dict, currency: str) -> dict:
    pid = row["tags__product_id"]
    price = row["tags__product__price_minor"]
    stock = row["tags__product__stock_total"]
    compare = row["tags__product__compare_at_minor"]
    image = row["img_thumb"] or row["img_image"]
    return {
        "id": pid,
        "title": row["tags__product__title"],
        "price": str(to_decimal(price, currency)),
        "price_minor": price,
        "price_display": format_money(price, currency),
        "compare_at_display": format_money(compare, currency)
        if compare and compare > price
        else "",
        "currency": currency,
        "image_url": _media_url(image) if image else (row["img_source"] or ""),
        "in_stock": stock > 0,
        "stock_label": stock_label(stock),
        "url": tap_url(row["id"], pid),
        "product_url": product_page_url(pid, row["tags__product__title"]),
        "_position": row["tags__position"] or 0,
    }


def cards_build(video_ids: list[int]) -> dict[int, dict]:
    """Cards for the published videos among ``video_ids``, in one query."""
    if not video_ids:
        return {}
    rows = (
        Video.objects.filter(id__in=video_ids, status=VideoStatus.PUBLISHED)
        .values(*_CARD_FIELDS)
        .annotate(
            img_thumb=_image_subquery("thumbnail"),
            img_image=_image_subquery("image"),
            img_source=_image_subquery("source_url"),
        )
        .order_by()
    )
    cards: dict[int, dict] = {}
    for row in rows:
        card = cards.get(row["id"])
        currency = row["market__currency"]
        if card is None:
            handle = row["creator__handle"]
            card = cards[row["id"]] = {
                "id": row["id"],
                "url": share_url(row["id"]),
                "video_url": _media_url(row["file"]),
                "poster_url": _media_url(row["poster"]),
                "caption": row["caption"],
                "hashtags": [t.lstrip("#") for t in row["hashtags"].split() if t.strip("#")],
                "duration_ms": row["duration_ms"],
                "width": row["width"],
                "height": row["height"],
                "published_at": row["published_at"].isoformat() if row["published_at"] else None,
                "category_id": row["category_id"],
                "creator": {
                    "id": row["creator_id"],
                    "handle": handle,
                    "name": row["creator__display_name"],
                    "avatar_url": _media_url(row["creator__avatar"]),
                    "url": creator_url(handle),
                },
                "counts": {
                    "views": row["view_count"],
                    "likes": row["like_count"],
                    "shares": row["share_count"],
                    "completions": row["completion_count"],
                },
                "products": [],
            }
        if row["tags__product_id"] and row["tags__product__status"] == ProductStatus.ACTIVE:
            card["products"].append(_product(row, currency))
    for card in cards.values():
        card["products"].sort(key=lambda p: (p["_position"], p["id"]))
        for p in card["products"]:
            del p["_position"]
    return cards


class Card(dict):
    """A card as cached (treat as read-only: one decoded card serves every request of
    this process), with ``raw``, the value it was decoded from (stamp + JSON, str or bytes),
    which identifies its content."""

    __slots__ = ("raw",)


class Item(dict):
    """One viewer's copy of a card, with the viewer's marks; ``raw`` as the card's."""

    __slots__ = ("raw",)


STAMP_LEN = 16
# (video id, stamp) -> Card: most pages show cards this worker decoded before.
_decoded: dict[tuple[int, str], Card] = store.worker_memo({})
_DECODED_MAX = 5000


def _stamp_of(stored) -> str:
    stamp = stored[:STAMP_LEN]
    return stamp.decode() if isinstance(stamp, bytes) else stamp


def _card(video_id: int, stored) -> Card:
    """The card from its stored value (stamp + JSON), decoded once per worker."""
    key = (video_id, _stamp_of(stored))
    card = _decoded.get(key)
    if card is None:
        if len(_decoded) >= _DECODED_MAX:
            _decoded.clear()
        card = _decoded[key] = Card(json.loads(stored[STAMP_LEN:]))
        card.raw = stored
    return card


def _stored(card: dict) -> str:
    text = json.dumps(card, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=STAMP_LEN // 2).hexdigest() + text


def card_keys(video_ids: list[int]) -> list[str]:
    return [_KEY.format(v) for v in video_ids]


def cards_get(video_ids: list[int]) -> dict[int, Card]:
    """Cached cards for ``video_ids`` (those that exist and are published)."""
    return cards_from(video_ids, store.kv_get_many(card_keys(video_ids)))


def cards_from(video_ids: list[int], raw: list) -> dict[int, Card]:
    """The cards from what was read under ``card_keys(video_ids)``, misses built (one
    query) and cached."""
    cards = {v: _card(v, r) for v, r in zip(video_ids, raw, strict=True) if r is not None}
    missing = [v for v in video_ids if v not in cards]
    if missing:
        built = {v: _stored(c) for v, c in cards_build(missing).items()}
        if built:
            store.kv_set_many({_KEY.format(v): c for v, c in built.items()}, CARD_TTL_S)
        cards.update((v, _card(v, c)) for v, c in built.items())
    return cards


def cards_from_stamps(video_ids: list[int], stamps: list) -> dict[int, Card]:
    """The cards whose stamps a page's Lua call read (``None`` or empty: no card): from
    this worker's memory, the rest read whole (one MGET) or built."""
    cards: dict[int, Card] = {}
    unknown: list[int] = []
    for v, stamp in zip(video_ids, stamps, strict=True):
        card = _decoded.get((v, _stamp_of(stamp))) if stamp else None
        if card is None:
            unknown.append(v)
        else:
            cards[v] = card
    if unknown:
        cards.update(cards_get(unknown))
    return cards


def cards_ensure(video_ids: list[int]) -> None:
    """Build the cards missing from the cache (one round trip; one query if any are missing).
    A For You batch calls this for everything it queues, so its pages find them warm."""
    keys = {_KEY.format(v): v for v in video_ids}
    missing = [keys[k] for k in store.kv_missing(list(keys))]
    if missing:
        cards_refresh(missing)


def cards_refresh(video_ids) -> int:
    """Build and store the cards of ``video_ids`` now (write-through), so readers never
    pay for them: the pool build does this for every candidate, the fold for every video
    whose counts it moved. One query per 500 videos."""
    ids = sorted(set(video_ids))
    stored = 0
    for start in range(0, len(ids), 500):
        built = cards_build(ids[start : start + 500])
        store.kv_set_many(
            {_KEY.format(v): _stored(c) for v, c in built.items()},
            CARD_TTL_S,
        )
        gone = set(ids[start : start + 500]) - set(built)
        if gone:  # unpublished since: their old cards must not linger
            cards_forget(gone)
        stored += len(built)
    return stored


def cards_forget(video_ids) -> None:
    """Drop cached cards, e.g. after their counters or products changed."""
    store.kv_delete([_KEY.format(v) for v in video_ids])


def cards_forget_for_products(product_ids) -> None:
    """Drop the cards of every video tagging these products (price, stock, title changed)."""
    video_ids = set(
        VideoProduct.objects.filter(product_id__in=list(product_ids)).values_list(
            "video_id", flat=True
        )
    )
    cards_forget(video_ids)


def overlay(card: dict, *, reasons: list[dict], liked: bool, following: bool) -> Item:
    item = Item(card)
    item.raw = getattr(card, "raw", None)
    item["reasons"] = reasons
    item["viewer"] = {"liked": liked, "following": following}
    return item
