"""The shop's demo data, loaded by ``python manage.py load_demo`` (see marketplace.demo):
categories, sellers (one first-party; the ``seller`` account runs Glow Lab), 120 products
with variants, stock and generated pictures, and deals of the day."""

from __future__ import annotations

from marketplace.demo import DemoContext

from .catalog import categories_load, sellers_load
from .deals import deals_load
from .products import products_load


def load(ctx: DemoContext) -> None:
    ctx.add_steps(1, "categories and sellers")
    categories = categories_load(ctx)
    sellers = sellers_load(ctx)
    ctx.step()
    catalog = products_load(ctx, categories=categories, sellers=sellers)
    deals_load(ctx, catalog)
