"""Map the parsed products onto the seller's catalog: match each handle to an existing
product (by handle, else by SKU), then create or update the product, its variants (by SKU,
else by options) and its images (by source URL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.utils.text import get_valid_filename, slugify

from ...models import Category, Product, ProductImage, Seller, Variant
from ..catalog import product_image_add
from .results import ImportResult, _Problems
from .rows import _ordered_images, _ProductRows


@dataclass
class _Plan:
    rows: _ProductRows
    product: Product | None


def _plan(seller: Seller, parsed: list[_ProductRows], problems: _Problems) -> list[_Plan]:
    """Match each handle to the seller's product (by handle, else by one of its SKUs), and
    refuse SKUs that belong to a different product of the seller."""
    by_handle = {p.handle: p for p in Product.objects.filter(seller=seller)}
    by_id = {p.id: p for p in by_handle.values()}
    sku_owner = dict(
        Variant.objects.filter(product__seller=seller)
        .exclude(sku="")
        .values_list("sku", "product_id")
    )
    plans: list[_Plan] = []
    claimed: dict[int, str] = {}
    for rows in parsed:
        product = by_handle.get(rows.handle)
        if product is None:
            owners = {sku_owner[v.sku] for v in rows.variants if v.sku in sku_owner}
            if len(owners) == 1:
                product = by_id[owners.pop()]
        for variant in rows.variants:
            owner_id = sku_owner.get(variant.sku) if variant.sku else None
            if owner_id is not None and (product is None or owner_id != product.id):
                owner = by_id[owner_id]
                problems.add(
                    variant.row,
                    "Variant SKU",
                    f"“{variant.sku}” already belongs to your product “{owner.title}” "
                    f"(handle “{owner.handle}”)",
                )
        if product is not None:
            other = claimed.setdefault(product.id, rows.handle)
            if other != rows.handle:
                problems.add(
                    rows.row,
                    "Handle",
                    f"“{rows.handle}” and “{other}” both match your product “{product.title}”",
                )
        plans.append(_Plan(rows=rows, product=product))
    return plans


def _category(name: str, cache: dict[str, Category]) -> Category | None:
    slug = slugify(name)[:64]
    if not slug:
        return None
    if slug not in cache:
        cache[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
    return cache[slug]


def _write_product(
    plan: _Plan,
    seller: Seller,
    fetched: dict[str, bytes],
    categories: dict[str, Category],
    result: ImportResult,
) -> Product:
    rows = plan.rows
    product = plan.product
    option_names = rows.option_names if any(v.options for v in rows.variants) else []
    fields = {
        "title": rows.title,
        "description": rows.description,
        "vendor": rows.vendor,
        "tags": rows.tags,
        "status": rows.status,
        "option_names": option_names,
        "category": _category(rows.category_name, categories),
    }
    if product is None:
        product = Product.objects.create(
            seller=seller, market_id=seller.market_id, handle=rows.handle, **fields
        )
        result.products_created += 1
    else:
        for name, value in fields.items():
            setattr(product, name, value)
        product.save(update_fields=[*fields, "updated_at"])
        result.products_updated += 1

    existing = list(product.variants.all())
    by_sku = {v.sku: v for v in existing if v.sku}
    by_options = {_options_key(v.options): v for v in reversed(existing) if not v.sku}
    used: set[int] = set()
    to_create: list[Variant] = []
    to_update: list[Variant] = []
    for position, row in enumerate(rows.variants, start=1):
        variant = by_sku.get(row.sku) if row.sku else None
        if variant is None:
            variant = by_options.get(_options_key(row.options))
        if variant is None or variant.id in used:
            variant = Variant(product=product)
            to_create.append(variant)
        else:
            used.add(variant.id)
            to_update.append(variant)
        variant.sku = row.sku
        variant.options = row.options
        variant.price_minor = row.price_minor
        variant.compare_at_minor = row.compare_at_minor
        variant.stock = row.stock
        variant.position = position
    Variant.objects.bulk_create(to_create)
    Variant.objects.bulk_update(
        to_update, ["sku", "options", "price_minor", "compare_at_minor", "stock", "position"]
    )
    result.variants_created += len(to_create)
    result.variants_updated += len(to_update)

    have = {img.source_url: img for img in product.images.all() if img.source_url}
    for i, image in enumerate(_ordered_images(rows.images), start=1):
        position = image.position or i
        current = have.get(image.src)
        if current is not None:
            if (current.alt, current.position) != (image.alt, position):
                current.alt, current.position = image.alt, position
                current.save(update_fields=["alt", "position"])
            continue
        data = fetched.get(image.src)
        product_image_add(
            product=product,
            data=data,
            filename=_filename(image.src),
            source_url=image.src,
            alt=image.alt,
            position=position,
        )
        have[image.src] = ProductImage(source_url=image.src)
        result.images_added += 1
        if not data:
            result.images_kept_as_url += 1
    return product


def _options_key(options: dict) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in options.items()))


def _filename(url: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name
    try:
        return get_valid_filename(name)[-80:] or "image.jpg"
    except Exception:  # Django refuses names like "..": any fallback will do
        return "image.jpg"
