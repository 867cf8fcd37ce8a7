"""Shared set-up of the shopper's HTML tests (Shop tab, product page, layout): markets with
the market cache warm, fast password hashing, a small JPEG, and the titles of a page's
product cards.

A module uses the fixtures by binding them: ``_fast_passwords, markets =
support._fast_passwords, support.markets`` (``_fast_passwords`` is autouse where bound)."""

import io
import re

import pytest
from PIL import Image

from marketplace.markets import markets_by_code
from tests.factories import ensure_markets


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every factory seller has an owner; PBKDF2 for each would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
