"""The staff's screens, one module a subdomain; Django's autodiscovery imports this package,
and importing each module registers its screens.

- ``sellers``: sellers (switch a shop off and on)
- ``catalog``: categories, products (variants and images inline)
- ``stock``: stock per variant, editable in the list
- ``deals``: deals and their state
- ``orders``: orders, payments, refunds, returns, stock holds
- ``payouts``: payouts (approve, retry, the weekly run)

Every changelist fetches what its columns show with ``list_select_related`` or one
prefetch, so a page costs the same queries for 10 rows or 100 (pinned in
tests/shop/test_admin.py).
"""

from . import orders, payouts
from .catalog import CategoryAdmin, ProductAdmin
from .deals import DealAdmin, deal_state
from .sellers import SellerAdmin
from .stock import VariantAdmin

__all__ = [
    "CategoryAdmin",
    "DealAdmin",
    "ProductAdmin",
    "SellerAdmin",
    "VariantAdmin",
    "deal_state",
    "orders",
    "payouts",
]
