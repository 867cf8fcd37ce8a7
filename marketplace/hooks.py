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
