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

The package, by step:

- ``parsing``: read and validate the file (with ``rows`` for the parsed shapes and
  ``cells`` for one cell's value: prices, tags, categories, URLs, HTML to text)
- ``writer``: match to the seller's products and write products, variants and images
- ``images``: fetch new images safely, before the transaction
- ``runner``: ``shopify_csv_import``, which runs the steps
- ``results``: ``ImportResult`` and ``ImportProblem``, the report
"""

from .cells import MAX_PRICE_MINOR, html_to_text
from .images import IMAGE_MAX_BYTES, IMAGE_TIMEOUT_SECONDS, Fetcher, fetch_image
from .parsing import (
    FALSE_VALUES,
    OPTION_COLUMNS,
    REQUIRED_COLUMNS,
    TRUE_VALUES,
    parse_shopify_csv,
)
from .results import MAX_REPORTED_ERRORS, ImportProblem, ImportResult
from .runner import shopify_csv_import

__all__ = [
    "FALSE_VALUES",
    "IMAGE_MAX_BYTES",
    "IMAGE_TIMEOUT_SECONDS",
    "MAX_PRICE_MINOR",
    "MAX_REPORTED_ERRORS",
    "OPTION_COLUMNS",
    "REQUIRED_COLUMNS",
    "TRUE_VALUES",
    "Fetcher",
    "ImportProblem",
    "ImportResult",
    "fetch_image",
    "html_to_text",
    "parse_shopify_csv",
    "shopify_csv_import",
]
