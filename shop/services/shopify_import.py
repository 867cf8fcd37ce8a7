"""Import a Shopify product CSV export into one seller's catalog.

The file is read in full and validated before anything is written: a file with any
problem imports nothing and gets a report naming each row and column. Rows are numbered
as a spreadsheet shows them (the header is row 1; a quoted multi-line cell stays in one
row). A valid file is written in one transaction, and importing it again updates the
products it made (by handle, and variants by SKU) rather than duplicating them.

Shopify's layout: one product per Handle. The first row of a handle carries the product
(Title, Body, Type, Tags, Status...) and usually its first variant and image; later rows
with the same Handle and an empty Title are more variants, and rows with only image
columns add images. Option1 "Title" = "Default Title" marks a product with one variant
and no options.

Images are fetched only for http(s) URLs with a short timeout, never from private
addresses, and never inside the database transaction; an image that cannot be fetched is
kept as its URL, which the catalog can still show.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import logging
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.text import get_valid_filename, slugify
from PIL import Image, UnidentifiedImageError

from marketplace.money import currency as currency_info
from marketplace.money import to_minor

from ..models import Category, Product, ProductImage, ProductStatus, Seller, Variant
from .catalog import product_image_add, product_refresh_summary

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
OPTION_COLUMNS = tuple((f"Option{i} Name", f"Option{i} Value") for i in (1, 2, 3))
MAX_REPORTED_ERRORS = 200
MAX_PRICE_MINOR = 10**12
IMAGE_TIMEOUT_SECONDS = 4.0
IMAGE_MAX_BYTES = 10 * 1024 * 1024
TRUE_VALUES = {"true", "yes", "1"}
FALSE_VALUES = {"false", "no", "0", ""}

Fetcher = Callable[[str], bytes | None]


# ---------------------------------------------------------------------------- results


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


# ---------------------------------------------------------------------------- parsed rows


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


# ---------------------------------------------------------------------------- HTML to text


class _TextExtractor(HTMLParser):
    """Body (HTML) to plain text: paragraphs and list items become lines; scripts, styles,
    attributes and every other tag are dropped. Templates escape the result."""

    SKIP = {"script", "style", "template", "noscript", "iframe", "object", "svg", "head"}
    BLOCK = {
        "p", "div", "section", "article", "header", "footer", "blockquote", "table", "tr",
        "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    }  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCK or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # As in a browser, line breaks in the source are spaces; tags make the lines.
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [
        re.sub(r"[ \t\r\f\v\u00a0]+", " ", line).strip()
        for line in "".join(parser.parts).split("\n")
    ]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# ---------------------------------------------------------------------------- parsing


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


def _money(raw: str, currency: str) -> int:
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"“{raw}” is not a price (write it like 12.99)") from None
    if not amount.is_finite():
        raise ValueError(f"“{raw}” is not a price (write it like 12.99)")
    if amount < 0:
        raise ValueError(f"“{raw}” is negative")
    try:
        minor = to_minor(amount, currency)
    except ValueError:
        exponent = currency_info(currency).exponent
        rule = (
            f"{currency} has no minor unit, so prices are whole numbers"
            if exponent == 0
            else f"{currency} prices have at most {exponent} decimal places"
        )
        raise ValueError(f"“{raw}” is more precise than the currency allows: {rule}")
    if minor > MAX_PRICE_MINOR:
        raise ValueError(f"“{raw}” is too large")
    return minor


def _is_web_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _tags(raw: str) -> str:
    seen: dict[str, None] = {}
    for tag in raw.split(","):
        tag = " ".join(tag.split())
        if tag and tag.lower() not in {t.lower() for t in seen}:
            seen[tag] = None
    return ", ".join(seen)


def _category_name(type_: str, product_category: str) -> str:
    if type_:
        return type_
    # Shopify's standard taxonomy path: "Apparel & Accessories > Clothing > Shirts & Tops".
    return product_category.split(">")[-1].strip() if product_category else ""


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


# ---------------------------------------------------------------------------- the catalog


@dataclass
class _Plan:
    rows: _ProductRows
    product: Product | None


def _plan(seller: Seller, parsed: list[_ProductRows], problems: _Problems) -> list[_Plan]:
    """Match each handle to the seller's product (by handle, else by one of its SKUs), and
    refuse SKUs that belong to a different product of the seller."""
    by_handle = {p.handle: p for p in Product.objects.filter(seller=seller)}
    by_id = {p.id: p for p in by_handle.values()}
    sku_owner = dict(
        Variant.objects.filter(product__seller=seller)
        .exclude(sku="")
        .values_list("sku", "product_id")
    )
    plans: list[_Plan] = []
    claimed: dict[int, str] = {}
    for rows in parsed:
        product = by_handle.get(rows.handle)
        if product is None:
            owners = {sku_owner[v.sku] for v in rows.variants if v.sku in sku_owner}
            if len(owners) == 1:
                product = by_id[owners.pop()]
        for variant in rows.variants:
            owner_id = sku_owner.get(variant.sku) if variant.sku else None
            if owner_id is not None and (product is None or owner_id != product.id):
                owner = by_id[owner_id]
                problems.add(
                    variant.row,
                    "Variant SKU",
                    f"“{variant.sku}” already belongs to your product “{owner.title}” "
                    f"(handle “{owner.handle}”)",
                )
        if product is not None:
            other = claimed.setdefault(product.id, rows.handle)
            if other != rows.handle:
                problems.add(
                    rows.row,
                    "Handle",
                    f"“{rows.handle}” and “{other}” both match your product “{product.title}”",
                )
        plans.append(_Plan(rows=rows, product=product))
    return plans


def _category(name: str, cache: dict[str, Category]) -> Category | None:
    slug = slugify(name)[:64]
    if not slug:
        return None
    if slug not in cache:
        cache[slug], _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
    return cache[slug]


def _write_product(
    plan: _Plan,
    seller: Seller,
    fetched: dict[str, bytes],
    categories: dict[str, Category],
    result: ImportResult,
) -> Product:
    rows = plan.rows
    product = plan.product
    option_names = rows.option_names if any(v.options for v in rows.variants) else []
    fields = {
        "title": rows.title,
        "description": rows.description,
        "vendor": rows.vendor,
        "tags": rows.tags,
        "status": rows.status,
        "option_names": option_names,
        "category": _category(rows.category_name, categories),
    }
    if product is None:
        product = Product.objects.create(
            seller=seller, market_id=seller.market_id, handle=rows.handle, **fields
        )
        result.products_created += 1
    else:
        for name, value in fields.items():
            setattr(product, name, value)
        product.save(update_fields=[*fields, "updated_at"])
        result.products_updated += 1

    existing = list(product.variants.all())
    by_sku = {v.sku: v for v in existing if v.sku}
    by_options = {_options_key(v.options): v for v in reversed(existing) if not v.sku}
    used: set[int] = set()
    to_create: list[Variant] = []
    to_update: list[Variant] = []
    for position, row in enumerate(rows.variants, start=1):
        variant = by_sku.get(row.sku) if row.sku else None
        if variant is None:
            variant = by_options.get(_options_key(row.options))
        if variant is None or variant.id in used:
            variant = Variant(product=product)
            to_create.append(variant)
        else:
            used.add(variant.id)
            to_update.append(variant)
        variant.sku = row.sku
        variant.options = row.options
        variant.price_minor = row.price_minor
        variant.compare_at_minor = row.compare_at_minor
        variant.stock = row.stock
        variant.position = position
    Variant.objects.bulk_create(to_create)
    Variant.objects.bulk_update(
        to_update, ["sku", "options", "price_minor", "compare_at_minor", "stock", "position"]
    )
    result.variants_created += len(to_create)
    result.variants_updated += len(to_update)

    have = {img.source_url: img for img in product.images.all() if img.source_url}
    for i, image in enumerate(_ordered_images(rows.images), start=1):
        position = image.position or i
        current = have.get(image.src)
        if current is not None:
            if (current.alt, current.position) != (image.alt, position):
                current.alt, current.position = image.alt, position
                current.save(update_fields=["alt", "position"])
            continue
        data = fetched.get(image.src)
        product_image_add(
            product=product,
            data=data,
            filename=_filename(image.src),
            source_url=image.src,
            alt=image.alt,
            position=position,
        )
        have[image.src] = ProductImage(source_url=image.src)
        result.images_added += 1
        if not data:
            result.images_kept_as_url += 1
    return product


def _options_key(options: dict) -> tuple:
    return tuple(sorted((str(k), str(v)) for k, v in options.items()))


def _ordered_images(images: list[_ImageRow]) -> list[_ImageRow]:
    """Unique by URL, in Image Position order (rows without one keep file order)."""
    unique: dict[str, _ImageRow] = {}
    for image in images:
        if image.src not in unique or (image.position and not unique[image.src].position):
            unique[image.src] = image
    ordered = list(unique.values())
    ordered.sort(key=lambda img: img.position if img.position else 10_000 + img.row)
    return ordered


def _filename(url: str) -> str:
    name = PurePosixPath(urlsplit(url).path).name
    try:
        return get_valid_filename(name)[-80:] or "image.jpg"
    except Exception:  # Django refuses names like "..": any fallback will do
        return "image.jpg"


# ---------------------------------------------------------------------------- images


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an internal address the first check never saw.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return bool(infos)


def fetch_image(url: str, *, timeout: float = IMAGE_TIMEOUT_SECONDS) -> bytes | None:
    """The image's bytes, or None if it cannot be fetched for any reason."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if not _public_host(parts.hostname):
        return None
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers={"User-Agent": "marketplace-importer/1"})  # noqa: S310 - scheme checked above
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read(IMAGE_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.info("image %s not fetched: %s", url, exc)
        return None
    return data if len(data) <= IMAGE_MAX_BYTES else None


def _is_image(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()
        return True
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return False


def _fetch_new_images(
    seller: Seller, plans: list[_Plan], fetcher: Fetcher, budget_seconds: float
) -> dict[str, bytes]:
    known = set(
        ProductImage.objects.filter(product__seller=seller)
        .exclude(source_url="")
        .values_list("source_url", flat=True)
    )
    wanted = [
        image.src
        for plan in plans
        for image in _ordered_images(plan.rows.images)
        if image.src not in known
    ]
    deadline = time.monotonic() + budget_seconds
    fetched: dict[str, bytes] = {}
    for url in dict.fromkeys(wanted):
        if time.monotonic() >= deadline:
            break
        try:
            data = fetcher(url)
        except Exception:  # an image must never fail the import
            log.exception("image fetcher failed on %s", url)
            data = None
        if data and _is_image(data):
            fetched[url] = data
    return fetched


# ---------------------------------------------------------------------------- entry point


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
