"""Read and validate the whole file, touching no database: the header, then each record as
a product's first row, a further variant or a further image, with every problem named by
row and column."""

from __future__ import annotations

import csv
import io

from ...models import ProductStatus
from .cells import _category_name, _is_web_url, _money, _tags, html_to_text
from .results import _Problems
from .rows import _ImageRow, _ProductRows, _Row, _VariantRow

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
OPTION_COLUMNS = tuple((f"Option{i} Name", f"Option{i} Value") for i in (1, 2, 3))
TRUE_VALUES = {"true", "yes", "1"}
FALSE_VALUES = {"false", "no", "0", ""}


def _decode(data: bytes, problems: _Problems) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # Name the row and column the bad byte sits in, by parsing what came before it.
        before = data[: exc.start].decode("utf-8-sig", errors="replace")
        records = list(csv.reader(io.StringIO(before, newline="")))
        header = records[0] if records else []
        row = max(len(records), 1)
        last = records[-1] if records else []
        column = header[len(last) - 1].strip() if 0 < len(last) <= len(header) else ""
        problems.add(
            row,
            column,
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8. Shopify exports UTF-8; "
            "re-save the file as “CSV UTF-8”.",
        )
        return None


def parse_shopify_csv(data: bytes, *, currency: str) -> tuple[list[_ProductRows], _Problems]:
    """Read and validate the whole file; touches no database."""
    problems = _Problems()
    if not data.strip():
        problems.add(1, "", "The file is empty.")
        return [], problems
    text = _decode(data, problems)
    if text is None:
        return [], problems

    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        problems.add(1, "", f"The header row could not be read ({exc}).")
        return [], problems
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in index and name:
            problems.add(1, name, "this column appears twice")
        index.setdefault(name, i)
    for column in REQUIRED_COLUMNS:
        if column not in index:
            problems.add(1, column, "this required column is missing from the header")
    if problems:
        return [], problems

    products: dict[str, _ProductRows] = {}
    sku_rows: dict[str, int] = {}
    number = 1
    try:
        for cells in reader:
            number += 1
            row = _Row(number, cells, index)
            if row.blank:
                continue
            extra = [c for c in cells[len(header) :] if c.strip()]
            if extra:
                problems.add(
                    number,
                    "",
                    f"the row has {len(cells)} cells but the header has {len(header)} "
                    "(a stray comma or quote?)",
                )
                continue
            _parse_row(row, products, sku_rows, currency, problems)
    except csv.Error as exc:
        problems.add(number + 1, "", f"the file could not be read as CSV ({exc})")
        return [], problems

    if not products and not problems:
        problems.add(2, "Handle", "The file has a header but no products.")
    for product in products.values():
        if not product.variant_rows:
            problems.add(product.row, "Variant Price", "this product has no variant with a price")
    return list(products.values()), problems


def _parse_row(
    row: _Row,
    products: dict[str, _ProductRows],
    sku_rows: dict[str, int],
    currency: str,
    problems: _Problems,
) -> None:
    n = row.number
    handle = row["Handle"].lower()
    if not handle:
        problems.add(n, "Handle", "is empty; every row needs the handle of its product")
        return
    if len(handle) > 200:
        problems.add(n, "Handle", "is longer than 200 characters")
        return

    product = products.get(handle)
    title = row["Title"]
    if product is None:
        product = _parse_product(row, handle, problems)
        if product is None:
            return
        products[handle] = product
    elif title and title != product.title:
        problems.add(
            n,
            "Title",
            f"handle “{handle}” started on row {product.row} with the title “{product.title}”; "
            "continuation rows leave Title empty",
        )
        return
    else:
        _check_option_names(row, product, problems)

    has_variant = bool(
        row["Variant Price"] or row["Variant SKU"] or any(row[v] for _, v in OPTION_COLUMNS)
    )
    if has_variant:
        product.variant_rows += 1
        variant = _parse_variant(row, product, currency, problems)
        if variant is not None:
            _check_unique_variant(variant, product, sku_rows, problems)
            product.variants.append(variant)

    for src_column, position_column, alt_column in (
        ("Image Src", "Image Position", "Image Alt Text"),
        ("Variant Image", "", ""),
    ):
        src = row[src_column]
        if not src:
            continue
        if not _is_web_url(src):
            problems.add(n, src_column, f"“{src[:80]}” is not an http(s) URL")
            continue
        if len(src) > 1000:
            problems.add(n, src_column, "the URL is longer than 1000 characters")
            continue
        position = None
        if position_column and row[position_column]:
            try:
                position = int(row[position_column])
                if position < 1:
                    raise ValueError
            except ValueError:
                problems.add(
                    n, position_column, f"“{row[position_column]}” is not a position (1, 2, 3…)"
                )
                continue
        alt = row[alt_column][:200] if alt_column else ""
        product.images.append(_ImageRow(row=n, src=src, position=position, alt=alt))


def _parse_product(row: _Row, handle: str, problems: _Problems) -> _ProductRows | None:
    n = row.number
    start = len(problems.items) + problems.not_shown
    title = row["Title"]
    if not title:
        problems.add(
            n, "Title", f"is empty on the first row of “{handle}”; a product needs a title"
        )
    elif len(title) > 200:
        problems.add(n, "Title", "is longer than 200 characters")

    status = row["Status"].lower()
    if status:
        if status not in ProductStatus.values:
            problems.add(
                n, "Status", f"“{row['Status']}” is not a status: use active, draft or archived"
            )
    else:
        published = row["Published"].lower()
        if published not in TRUE_VALUES | FALSE_VALUES:
            problems.add(n, "Published", f"“{row['Published']}” is not TRUE or FALSE")
        status = ProductStatus.ACTIVE if published in TRUE_VALUES else ProductStatus.DRAFT

    vendor = row["Vendor"]
    if len(vendor) > 120:
        problems.add(n, "Vendor", "is longer than 120 characters")
    tags = _tags(row["Tags"])
    if len(tags) > 500:
        problems.add(n, "Tags", "are longer than 500 characters in all")

    names: list[str] = []
    for i, (name_column, _) in enumerate(OPTION_COLUMNS, start=1):
        name = row[name_column]
        if name and len(names) != i - 1:
            problems.add(n, name_column, f"is set but Option{i - 1} Name is empty")
        elif name:
            if name.casefold() in {x.casefold() for x in names}:
                problems.add(n, name_column, f"the option “{name}” is named twice")
            names.append(name[:40])

    if len(problems.items) + problems.not_shown > start:
        return None
    return _ProductRows(
        row=n,
        handle=handle,
        title=title,
        description=html_to_text(row["Body (HTML)"]),
        vendor=vendor,
        category_name=_category_name(row["Type"], row["Product Category"])[:64],
        tags=tags,
        status=status,
        option_names=names,
    )


def _check_option_names(row: _Row, product: _ProductRows, problems: _Problems) -> None:
    for i, (name_column, _) in enumerate(OPTION_COLUMNS):
        name = row[name_column]
        expected = product.option_names[i] if i < len(product.option_names) else ""
        if name and name.casefold() != expected.casefold():
            problems.add(
                row.number,
                name_column,
                f"“{name}” differs from “{expected or '(none)'}” on row {product.row}, "
                f"the first row of “{product.handle}”",
            )


def _parse_variant(
    row: _Row, product: _ProductRows, currency: str, problems: _Problems
) -> _VariantRow | None:
    n = row.number
    start = len(problems.items) + problems.not_shown
    options: dict[str, str] = {}
    for i, (name_column, value_column) in enumerate(OPTION_COLUMNS):
        value = row[value_column]
        if i < len(product.option_names):
            if not value:
                problems.add(
                    n,
                    value_column,
                    f"is empty but the product has the option “{product.option_names[i]}”",
                )
            options[product.option_names[i]] = value[:100]
        elif value:
            problems.add(n, value_column, f"has a value but the product has no {name_column}")
    if product.option_names == ["Title"] and options.get("Title") == "Default Title":
        options = {}

    sku = row["Variant SKU"]
    if len(sku) > 64:
        problems.add(n, "Variant SKU", "is longer than 64 characters")

    price_minor = 0
    if not row["Variant Price"]:
        problems.add(n, "Variant Price", "is empty; every variant needs a price")
    else:
        try:
            price_minor = _money(row["Variant Price"], currency)
        except ValueError as exc:
            problems.add(n, "Variant Price", str(exc))

    compare_at_minor = None
    if row["Variant Compare At Price"]:
        try:
            compare_at_minor = _money(row["Variant Compare At Price"], currency)
        except ValueError as exc:
            problems.add(n, "Variant Compare At Price", str(exc))

    stock = 0
    raw_qty = row["Variant Inventory Qty"]
    if raw_qty:
        try:
            stock = int(raw_qty)
        except ValueError:
            problems.add(n, "Variant Inventory Qty", f"“{raw_qty}” is not a whole number")
        else:
            if stock < 0:
                problems.add(n, "Variant Inventory Qty", f"“{raw_qty}” is negative")

    if len(problems.items) + problems.not_shown > start:
        return None
    return _VariantRow(
        row=n,
        sku=sku,
        options=options,
        price_minor=price_minor,
        compare_at_minor=compare_at_minor,
        stock=stock,
    )


def _check_unique_variant(
    variant: _VariantRow, product: _ProductRows, sku_rows: dict[str, int], problems: _Problems
) -> None:
    if variant.sku:
        first = sku_rows.setdefault(variant.sku, variant.row)
        if first != variant.row:
            problems.add(variant.row, "Variant SKU", f"“{variant.sku}” is also on row {first}")
    for other in product.variants:
        if other.options == variant.options:
            label = " / ".join(variant.options.values()) or "Default Title"
            problems.add(
                variant.row,
                "Option1 Value",
                f"row {other.row} already has the options “{label}” for “{product.handle}”",
            )
            break
