"""The file as read: one CSV record by column name, and the products, variants and images
parsed from the records, before any of them meets the database."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _VariantRow:
    row: int
    sku: str
    options: dict[str, str]
    price_minor: int
    compare_at_minor: int | None
    stock: int


@dataclass
class _ImageRow:
    row: int
    src: str
    position: int | None
    alt: str


@dataclass
class _ProductRows:
    row: int
    handle: str
    title: str
    description: str
    vendor: str
    category_name: str
    tags: str
    status: str
    option_names: list[str]
    variants: list[_VariantRow] = field(default_factory=list)
    images: list[_ImageRow] = field(default_factory=list)
    variant_rows: int = 0


class _Row:
    """One record, read by column name; columns the file lacks read as empty."""

    def __init__(self, number: int, cells: list[str], index: dict[str, int]):
        self.number = number
        self.cells = cells
        self.index = index

    def __getitem__(self, column: str) -> str:
        i = self.index.get(column)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""

    def has(self, column: str) -> bool:
        return column in self.index

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


def _ordered_images(images: list[_ImageRow]) -> list[_ImageRow]:
    """Unique by URL, in Image Position order (rows without one keep file order)."""
    unique: dict[str, _ImageRow] = {}
    for image in images:
        if image.src not in unique or (image.position and not unique[image.src].position):
            unique[image.src] = image
    ordered = list(unique.values())
    ordered.sort(key=lambda img: img.position if img.position else 10_000 + img.row)
    return ordered
