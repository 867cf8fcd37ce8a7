"""What an import reports: the problems that stopped it (row, column, message), or the
counts of what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_REPORTED_ERRORS = 200


@dataclass(frozen=True)
class ImportProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    products_created: int = 0
    products_updated: int = 0
    variants_created: int = 0
    variants_updated: int = 0
    images_added: int = 0
    images_kept_as_url: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    errors_not_shown: int = 0
    product_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.products_created} products created, {self.products_updated} updated; "
            f"{self.variants_created} variants created, {self.variants_updated} updated; "
            f"{self.images_added} images added"
            + (f" ({self.images_kept_as_url} kept as links)" if self.images_kept_as_url else "")
        )


class _Problems:
    """Collects problems; stops the parse politely once there are too many to read."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []
        self.not_shown = 0

    def add(self, row: int, column: str, message: str) -> None:
        if len(self.items) < MAX_REPORTED_ERRORS:
            self.items.append(ImportProblem(row, column, message))
        else:
            self.not_shown += 1

    def __bool__(self) -> bool:
        return bool(self.items)
