"""Fetch the images the catalog does not have yet: http(s) only, public addresses only, no
redirects, a size cap and a time budget; a failure leaves the image as its URL."""

from __future__ import annotations

import io
import ipaddress
import logging
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from ...models import ProductImage, Seller
from .rows import _ordered_images
from .writer import _Plan

log = logging.getLogger(__package__)  # the importer's logger, named as before the split

IMAGE_TIMEOUT_SECONDS = 4.0
IMAGE_MAX_BYTES = 10 * 1024 * 1024

Fetcher = Callable[[str], bytes | None]


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
