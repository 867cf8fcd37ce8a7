"""Extension points, so a lower layer can show what a higher one provides without
importing it (shop must never import creators).

A product page section is a callable ``(request, product) -> (template_name, context)``,
or ``None`` when it has nothing to show. Apps register them in ``AppConfig.ready``.

A section that shows every viewer the same thing declares it: ``viewer_independent = True``
on the callable, and ``max_age_s`` when its output changes without a write to the product
(e.g. a video is published): how long a rendering may be shown. The shop then renders it
into the page it caches under the product's version, called with ``request=None``, and
serves that page for at most ``max_age_s``; the other sections run on every request.
"""

from collections.abc import Callable
from typing import Any

ProductSection = Callable[[Any, Any], tuple[str, dict] | None]

_product_sections: list[ProductSection] = []


def register_product_section(section: ProductSection) -> ProductSection:
    if section not in _product_sections:
        _product_sections.append(section)
    return section


def is_viewer_independent(section: ProductSection) -> bool:
    return bool(getattr(section, "viewer_independent", False))


def product_sections(
    request, product, *, viewer_independent: bool | None = None
) -> list[tuple[str, dict]]:
    """The sections with something to show, in registration order; only those that do
    (or do not) depend on the viewer when ``viewer_independent`` is given."""
    rendered = []
    for section in _product_sections:
        if viewer_independent is not None and is_viewer_independent(section) != (
            viewer_independent
        ):
            continue
        result = section(request, product)
        if result is not None:
            rendered.append(result)
    return rendered


def product_sections_max_age() -> float | None:
    """How long a page holding the viewer-independent sections may be served (seconds;
    None: as long as the product does not change)."""
    ages = [
        s.max_age_s
        for s in _product_sections
        if is_viewer_independent(s) and getattr(s, "max_age_s", None) is not None
    ]
    return min(ages) if ages else None


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
