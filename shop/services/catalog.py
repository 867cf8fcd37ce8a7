"""Writes to the catalog. Every change to variants ends in ``product_refresh_summary`` so
the denormalised columns that listings sort and filter on stay true."""

from __future__ import annotations

import io
import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Min, Sum
from PIL import Image, ImageOps

from ..models import Product, ProductImage, Variant

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
            update_fields=["price_minor", "compare_at_minor", "stock_total", "search_document"]
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
    return image
