"""Writes to the catalog. Every change to variants ends in ``product_refresh_summary`` so
the denormalised columns that listings sort and filter on stay true."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from datetime import timedelta
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Min, Sum
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageOps

from ..cache import bump_products
from ..errors import InvalidCommissionRate
from ..models import Product, ProductImage, ProductStatus, Variant

log = logging.getLogger(__name__)

THUMBNAIL_SIZE = (480, 480)


def product_refresh_summary(*, product: Product) -> Product:
    """Recompute price, compare-at price, stock and the search document from the variants."""
    variants = list(product.variants.all().order_by("price_minor", "position", "id"))
    cheapest = variants[0] if variants else None
    product.price_minor = cheapest.price_minor if cheapest else 0
    product.compare_at_minor = (
        cheapest.compare_at_minor
        if cheapest
        and cheapest.compare_at_minor
        and cheapest.compare_at_minor > cheapest.price_minor
        else None
    )
    product.stock_total = sum(v.stock for v in variants)
    product.search_document = product.build_search_document()
    product.save(
        update_fields=[
            "price_minor",
            "compare_at_minor",
            "stock_total",
            "search_document",
            "updated_at",
        ]
    )
    return product


def products_refresh_summaries(*, product_ids: list[int]) -> None:
    """Set-based refresh for bulk writers (the importer, the demo loader)."""
    for product in Product.objects.filter(id__in=product_ids):
        agg = product.variants.aggregate(price=Min("price_minor"), stock=Sum("stock"))
        product.price_minor = agg["price"] or 0
        product.stock_total = agg["stock"] or 0
        cheapest = product.variants.order_by("price_minor", "position", "id").first()
        product.compare_at_minor = (
            cheapest.compare_at_minor
            if cheapest and (cheapest.compare_at_minor or 0) > cheapest.price_minor
            else None
        )
        product.search_document = product.build_search_document()
        product.save(
            update_fields=[
                "price_minor",
                "compare_at_minor",
                "stock_total",
                "search_document",
                "updated_at",
            ]
        )


def variant_set_stock(*, variant: Variant, stock: int) -> Variant:
    if stock < 0:
        raise ValueError("stock cannot be negative")
    with transaction.atomic():
        variant.stock = stock
        variant.save(update_fields=["stock"])
        product_refresh_summary(product=variant.product)
    return variant


def make_thumbnail(data: bytes, *, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A square, centre-cropped JPEG thumbnail. Raises ``PIL.UnidentifiedImageError``."""
    with Image.open(io.BytesIO(data)) as img:
        img = ImageOps.exif_transpose(img)
        img = ImageOps.fit(img.convert("RGB"), size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.save(out, format="JPEG", quality=82, optimize=True, progressive=True)
        return out.getvalue()


def product_image_add(
    *,
    product: Product,
    data: bytes | None = None,
    filename: str = "image.jpg",
    source_url: str = "",
    alt: str = "",
    position: int | None = None,
) -> ProductImage:
    """Store an image and its thumbnail; with no bytes, keep the URL so it can be shown."""
    if position is None:
        position = (
            product.images.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
    image = ProductImage(product=product, source_url=source_url, alt=alt, position=position)
    if data:
        thumb = make_thumbnail(data)
        stem = PurePath(filename).stem[:60] or "image"
        image.image.save(
            PurePath(filename).name[-80:] or "image.jpg", ContentFile(data), save=False
        )
        image.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(thumb), save=False)
    image.save()
    bump_products(product_ids=[product.pk])  # the first image is on the card
    return image


# The seller's own edits (seller API). Everything else on a product (seller, market, the
# summary columns, sold_count) is derived or owned by the platform.
PRODUCT_EDITABLE_FIELDS = frozenset(
    {
        "title",
        "handle",
        "description",
        "tags",
        "vendor",
        "category",
        "status",
        "option_names",
        "commission_rate_bp",
    }
)
VARIANT_EDITABLE_FIELDS = frozenset(
    {"sku", "options", "price_minor", "compare_at_minor", "stock", "position"}
)


def _only(fields: dict, allowed: frozenset[str]) -> dict:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    return fields


def product_unique_handle(*, seller, title: str, exclude_id: int | None = None) -> str:
    base = slugify(title)[:180] or "product"
    taken = set(
        Product.objects.filter(seller=seller, handle__startswith=base)
        .exclude(pk=exclude_id)
        .values_list("handle", flat=True)
    )
    handle, n = base, 1
    while handle in taken:
        n += 1
        handle = f"{base}-{n}"
    return handle


def product_create(*, seller, title: str, variants: Iterable[dict] = (), **fields) -> Product:
    """A new product of ``seller`` in the seller's market, with its first variants."""
    _only(fields, PRODUCT_EDITABLE_FIELDS)
    with transaction.atomic():
        product = Product(seller=seller, market_id=seller.market_id, title=title, **fields)
        if not product.handle:
            product.handle = product_unique_handle(seller=seller, title=title)
        product.save()
        for position, spec in enumerate(variants, start=1):
            spec = {"position": position, **_only(spec, VARIANT_EDITABLE_FIELDS)}
            Variant.objects.create(product=product, **spec)
        product_refresh_summary(product=product)
    return product


def product_update(*, product: Product, **changes) -> Product:
    """Apply a seller's edits; a commission change goes through ``product_commission_set``."""
    _only(changes, PRODUCT_EDITABLE_FIELDS)
    new_rate = changes.pop("commission_rate_bp", None)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(product, name, value)
        if changes:
            product.save(update_fields=[*changes, "updated_at"])
        if new_rate is not None:
            product_commission_set(product=product, rate_bp=new_rate)
        # The search document follows the title, description and tags.
        product_refresh_summary(product=product)
    return product


def product_commission_set(*, product: Product, rate_bp: int, now=None) -> Product:
    """Set the open-plan commission (PRODUCT.md): a raise applies at once; a cut applies
    after ``COMMISSION_CUT_NOTICE_DAYS`` so creators promoting the product are warned —
    except on a draft, which no creator can have promoted yet."""
    low, high = settings.COMMISSION_RATE_MIN_BP, settings.COMMISSION_RATE_MAX_BP
    if not low <= rate_bp <= high:
        raise InvalidCommissionRate()
    now = now or timezone.now()
    current = product.commission_rate_at(now)
    if rate_bp >= current or product.status == ProductStatus.DRAFT:
        product.commission_rate_bp = rate_bp
        product.commission_rate_next_bp = None
        product.commission_rate_next_at = None
    elif rate_bp != product.commission_rate_next_bp:
        product.commission_rate_bp = current
        product.commission_rate_next_bp = rate_bp
        product.commission_rate_next_at = now + timedelta(days=settings.COMMISSION_CUT_NOTICE_DAYS)
    product.save(
        update_fields=[
            "commission_rate_bp",
            "commission_rate_next_bp",
            "commission_rate_next_at",
            "updated_at",
        ]
    )
    return product


def commission_cuts_apply(*, now=None) -> int:
    """Make announced cuts that are due the standing rate (beat, hourly). Reads never
    depend on this having run: ``Product.commission_rate_at`` already honours them."""
    now = now or timezone.now()
    due = Product.objects.filter(commission_rate_next_at__lte=now)
    return due.update(
        commission_rate_bp=F("commission_rate_next_bp"),
        commission_rate_next_bp=None,
        commission_rate_next_at=None,
    )


def product_archive(*, product: Product) -> Product:
    """Hide a product for good without deleting it: orders and videos still point at it."""
    if product.status != ProductStatus.ARCHIVED:
        product.status = ProductStatus.ARCHIVED
        product.save(update_fields=["status", "updated_at"])
    return product


def variant_create(*, product: Product, **fields) -> Variant:
    _only(fields, VARIANT_EDITABLE_FIELDS)
    with transaction.atomic():
        if fields.get("position") is None:
            last = product.variants.order_by("-position").values_list("position", flat=True)
            fields["position"] = (last.first() or 0) + 1
        variant = Variant.objects.create(product=product, **fields)
        product_refresh_summary(product=product)
    return variant


def variant_update(*, variant: Variant, **changes) -> Variant:
    _only(changes, VARIANT_EDITABLE_FIELDS)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(variant, name, value)
        if changes:
            variant.save(update_fields=list(changes))
        product_refresh_summary(product=variant.product)
    return variant


def variant_delete(*, variant: Variant) -> Product:
    """Delete a variant (its deals go with it). Raises ProtectedError if orders use it."""
    product = variant.product
    with transaction.atomic():
        variant.delete()
        product_refresh_summary(product=product)
    return product


# The seller center's stock and image edits.


def product_set_stock(*, product: Product, stock_by_variant_id: dict[int, int]) -> Product:
    """Set absolute stock counts on some of ``product``'s variants (ids of other products
    are ignored). The rows are locked in pk order, as checkout locks them, so a sale and
    an edit take turns instead of one overwriting the other mid-way."""
    if any(stock < 0 for stock in stock_by_variant_id.values()):
        raise ValueError("stock cannot be negative")
    with transaction.atomic():
        variants = (
            Variant.objects.select_for_update(of=("self",))
            .filter(product=product, pk__in=sorted(stock_by_variant_id))
            .order_by("pk")
        )
        changed = []
        for variant in variants:
            if variant.stock != stock_by_variant_id[variant.pk]:
                variant.stock = stock_by_variant_id[variant.pk]
                changed.append(variant)
        Variant.objects.bulk_update(changed, ["stock"])
        product_refresh_summary(product=product)
    return product


def _renumber_images(ordered: list[ProductImage]) -> None:
    for position, image in enumerate(ordered, start=1):
        image.position = position
    ProductImage.objects.bulk_update(ordered, ["position"])


def product_image_move(*, image: ProductImage, offset: int) -> None:
    """Move an image ``offset`` places (-1 earlier, +1 later); positions become 1..n."""
    with transaction.atomic():
        ordered = list(
            ProductImage.objects.select_for_update()
            .filter(product_id=image.product_id)
            .order_by("position", "id")
        )
        index = next(i for i, img in enumerate(ordered) if img.pk == image.pk)
        target = max(0, min(len(ordered) - 1, index + offset))
        ordered.insert(target, ordered.pop(index))
        _renumber_images(ordered)
        bump_products(product_ids=[image.product_id])


def product_image_delete(*, image: ProductImage) -> None:
    """Delete an image and, once the deletion is committed, its files."""
    files = [f for f in (image.image, image.thumbnail) if f]
    names = [(f.storage, f.name) for f in files]
    with transaction.atomic():
        product_id = image.product_id
        image.delete()
        rest = list(ProductImage.objects.filter(product_id=product_id).order_by("position", "id"))
        _renumber_images(rest)
        bump_products(product_ids=[product_id])
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in names])
