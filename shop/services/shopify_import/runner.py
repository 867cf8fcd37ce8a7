"""The import's entry point: parse, plan, fetch images outside the transaction, then write
under a lock on the seller."""

from __future__ import annotations

from django.db import transaction

from ...models import Category, Seller
from ..catalog import product_refresh_summary
from .images import Fetcher, _fetch_new_images, fetch_image
from .parsing import parse_shopify_csv
from .results import ImportResult
from .writer import _plan, _write_product


def shopify_csv_import(
    *,
    seller: Seller,
    data: bytes,
    fetch_images: bool = True,
    fetcher: Fetcher | None = None,
    fetch_budget_seconds: float = 30.0,
) -> ImportResult:
    """Import ``data`` (the CSV file's bytes) into ``seller``'s catalog.

    Returns a result whose ``errors`` say why nothing was written, or the counts of what
    was. Images are fetched (if ``fetch_images``) before the transaction opens; the writes
    run under a lock on the seller row, so two imports for one seller take turns.
    """
    currency = seller.market.currency
    parsed, problems = parse_shopify_csv(data, currency=currency)
    if problems:
        return ImportResult(errors=problems.items, errors_not_shown=problems.not_shown)
    plans = _plan(seller, parsed, problems)
    if problems:
        return ImportResult(errors=problems.items, errors_not_shown=problems.not_shown)

    fetched: dict[str, bytes] = {}
    if fetch_images:
        fetched = _fetch_new_images(seller, plans, fetcher or fetch_image, fetch_budget_seconds)

    result = ImportResult()
    with transaction.atomic():
        Seller.objects.select_for_update().filter(pk=seller.pk).first()
        # Re-plan under the lock: the catalog may have changed while images downloaded.
        plans = _plan(seller, parsed, problems)
        if problems:
            return ImportResult(errors=problems.items, errors_not_shown=problems.not_shown)
        categories: dict[str, Category] = {}
        for plan in plans:
            product = _write_product(plan, seller, fetched, categories, result)
            product_refresh_summary(product=product)
            result.product_ids.append(product.id)
    return result
