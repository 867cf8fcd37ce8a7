"""Shared set-up of the shopper's HTML tests (Shop tab, product page, layout): markets with
the market cache warm, a small JPEG, and the titles of a page's product cards.

A module uses the fixture by binding it: ``markets = support.markets``."""

import io
import re

import pytest
from PIL import Image

from marketplace.markets import markets_by_code
from tests.factories import ensure_markets


@pytest.fixture
def markets():
    found = ensure_markets()
    markets_by_code()  # warm the market cache, as every request after the first finds it
    return found


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), "#fe2c55").save(out, format="JPEG")
    return out.getvalue()


def titles(response) -> list[str]:
    return re.findall(r'<h3 class="card-title">([^<]+)</h3>', response.content.decode())
