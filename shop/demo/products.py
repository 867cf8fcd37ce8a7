"""Products, variants and generated images. A product that exists is left as it is (its
stock, prices and status may have moved on); only what is missing is created."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.core.files.base import ContentFile

from marketplace.demo import DemoContext

from ..models import Category, Product, ProductImage, Seller, Variant
from ..services.catalog import make_thumbnail, product_image_add, product_refresh_summary
from .images import product_picture
from .plan import ProductPlan, catalog_plan
from .sellers_data import CATEGORIES

COLOURS = {slug: (top, bottom, icon) for slug, _name, top, bottom, icon in CATEGORIES}
LABELS = {slug: name for slug, name, *_ in CATEGORIES}


def products_load(
    ctx: DemoContext, *, categories: dict[str, Category], sellers: dict[str, Seller]
) -> list[tuple[ProductPlan, Product]]:
    """Every planned product beside its row, for the deals."""
    plans = catalog_plan(ctx)
    ctx.add_steps(len(plans), "products and images")
    seller_ids = [s.id for s in sellers.values()]
    existing = {
        (p.seller_id, p.handle): p
        for p in Product.objects.filter(seller_id__in=seller_ids).select_related("market")
    }
    images: dict[int, list[ProductImage]] = defaultdict(list)
    for image in ProductImage.objects.filter(product__seller_id__in=seller_ids):
        images[image.product_id].append(image)

    out = []
    for plan in plans:
        seller = sellers[plan.seller_key]
        product = existing.get((seller.id, plan.handle))
        if product is None:
            product = _product_create(ctx, plan, seller=seller, category=categories[plan.category])
        _images_ensure(ctx, plan, product, images.get(product.id, []))
        out.append((plan, product))
        ctx.step()
    return out


def _product_create(
    ctx: DemoContext, plan: ProductPlan, *, seller: Seller, category: Category
) -> Product:
    """A new product with its variants in five queries (the caller knows it is missing)."""
    product = Product.objects.create(
        seller=seller,
        handle=plan.handle,
        market=seller.market,
        category=category,
        title=plan.title,
        description=plan.description,
        tags=plan.tags,
        vendor=plan.vendor,
        status=plan.status,
        option_names=plan.option_names,
        commission_rate_bp=plan.commission_rate_bp,
        sold_count=plan.sold_count,
    )
    # Spread "newest" over the last three months (auto_now_add ignores a value on create).
    product.created_at = ctx.now - timedelta(minutes=plan.age_minutes)
    Product.objects.filter(pk=product.pk).update(created_at=product.created_at)
    Variant.objects.bulk_create(
        Variant(
            product=product,
            sku=v.sku,
            options=v.options,
            price_minor=v.price_minor,
            compare_at_minor=v.compare_at_minor,
            stock=v.stock,
            position=v.position,
        )
        for v in plan.variants
    )
    ctx.counts["shop.Product created"] += 1
    ctx.counts["shop.Variant created"] += len(plan.variants)
    return product_refresh_summary(product=product)


def _picture(ctx: DemoContext, plan: ProductPlan, position: int) -> bytes:
    top, bottom, icon = COLOURS[plan.category]
    return product_picture(
        short_name=plan.short_name,
        label=LABELS[plan.category],
        top=top,
        bottom=bottom,
        icon=icon,
        index=position,
        rng=ctx.rng(f"image:{plan.seller_key}:{plan.handle}:{position}"),
    )


def _images_ensure(
    ctx: DemoContext, plan: ProductPlan, product: Product, current: list[ProductImage]
) -> None:
    """Draw the pictures that are missing: never on a re-run, unless a file was lost (a
    fresh media volume beside an old database)."""
    by_position = {img.position: img for img in current}
    for position in range(1, plan.image_count + 1):
        image = by_position.get(position)
        if image is None:
            product_image_add(
                product=product,
                data=_picture(ctx, plan, position),
                filename=f"{plan.handle}-{position}.jpg",
                alt=f"{plan.title}, picture {position}",
                position=position,
            )
            ctx.counts["shop.ProductImage created"] += 1
        elif image.image and not image.image.storage.exists(image.image.name):
            data = _picture(ctx, plan, position)
            image.image.save(image.image.name.rsplit("/", 1)[-1], ContentFile(data), save=False)
            image.thumbnail.save(
                f"{plan.handle}-{position}-thumb.jpg", ContentFile(make_thumbnail(data)), save=False
            )
            image.save(update_fields=["image", "thumbnail"])
            ctx.counts["shop.ProductImage redrawn"] += 1
