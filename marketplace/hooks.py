"""Extension points, so a lower layer can show what a higher one provides without
importing it (shop must never import creators).

A product page section is a callable ``(request, product) -> (template_name, context)``,
or ``None`` when it has nothing to show. Apps register them in ``AppConfig.ready``.
"""

from collections.abc import Callable
from typing import Any

ProductSection = Callable[[Any, Any], tuple[str, dict] | None]

_product_sections: list[ProductSection] = []


def register_product_section(section: ProductSection) -> ProductSection:
    if section not in _product_sections:
        _product_sections.append(section)
    return section


def product_sections(request, product) -> list[tuple[str, dict]]:
    rendered = []
    for section in _product_sections:
        result = section(request, product)
        if result is not None:
            rendered.append(result)
    return rendered


# Payees: who a ledger account's owner is, for payouts and statements. A resolver takes
# owner ids and returns {id: (display name, payout destination)}; the app owning that
# kind of payee registers it (shop for sellers, creators for creators).
PayeeResolver = Callable[[list[int]], dict[int, tuple[str, str]]]

_payee_resolvers: dict[str, PayeeResolver] = {}


def register_payees(owner_type: str, resolver: PayeeResolver) -> PayeeResolver:
    _payee_resolvers[owner_type] = resolver
    return resolver


def payees(owner_type: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    resolver = _payee_resolvers.get(owner_type)
    found = resolver(ids) if resolver else {}
    return {i: found.get(i, (f"{owner_type} {i}", f"acct_{owner_type}_{i}")) for i in ids}
