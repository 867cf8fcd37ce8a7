"""Cached whole pages are keyed by the static build: a deploy that renames hashed static
files never serves pages naming the old ones."""

import json

import pytest
from django.test import Client

from marketplace.static_build import static_build
from shop import documents
from tests.factories import ProductFactory, ensure_markets


def test_the_build_is_the_manifests_hash(settings, tmp_path):
    assert static_build() == ""  # tests serve unhashed names: no manifest
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/app.css": "css/app.1a2b.css"}, "version": "1.1", "hash": "9f8e"})
    )
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    assert static_build() == "9f8e"


@pytest.mark.django_db
def test_a_new_build_renders_its_own_guest_pages(monkeypatch):
    ensure_markets()
    url = ProductFactory(title="Lamp").get_absolute_url()
    renders = []
    real = documents.stamp

    def counted(*args, **kwargs):
        renders.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(documents, "stamp", counted)
    monkeypatch.setattr(documents, "static_build", lambda: "build-a")
    for _ in range(2):
        assert "Lamp" in Client().get(url).content.decode()
    assert len(renders) == 1  # the second guest got the cached document
    monkeypatch.setattr(documents, "static_build", lambda: "build-b")
    assert "Lamp" in Client().get(url).content.decode()
    assert len(renders) == 2  # not the document cached under the old build
