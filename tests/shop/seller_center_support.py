"""Shared set-up of the seller-center tests: a shop (Dewy Lab) with its owner signed in,
URLs of the seller pages, the product form's POST body, and small images.

A module uses the fixtures by binding them: ``seller, client_for, owner = support.seller,
support.client_for, support.owner`` (``markets`` is tests/conftest.py's)."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from tests.factories import SellerFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "shopify"


def png(color="blue", size=(300, 200), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=fmt)
    return out.getvalue()


def url(name, seller, *args):
    return reverse(f"seller:{name}", args=[seller.slug, *args])


@pytest.fixture
def seller(markets):
    return SellerFactory(slug="dewy-lab", name="Dewy Lab")


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def owner(seller, client_for):
    return client_for(seller.owner)


def product_post(product=None, *, variants, option_names="", commission="10", **overrides):
    """The POST body of the product form: product fields plus the variant formset."""
    data = {
        "title": product.title if product else "Glow serum",
        "description": "Brightening serum.",
        "category": "",
        "tags": "skincare",
        "status": "active",
        "option_names": option_names,
        "commission_percent": commission,
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": str(sum(1 for v in variants if v.get("variant_id"))),
        "variants-MIN_NUM_FORMS": "1",
        "variants-MAX_NUM_FORMS": "100",
    }
    for i, spec in enumerate(variants):
        for key, value in spec.items():
            if key == "DELETE":
                if value:
                    data[f"variants-{i}-DELETE"] = "on"
            else:
                data[f"variants-{i}-{key}"] = "" if value is None else str(value)
    data.update(overrides)
    return data
