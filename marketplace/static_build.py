"""Which build of the static files this process serves.

A cached whole page holds ``<link>`` and ``<script>`` tags naming hashed files
(``app.3f2a….css``); a deploy that changes a static file replaces those names, and a page
cached before it would then point at files the new build no longer has. Every cache key of
a whole page carries this token, so a new build starts with its own pages.
"""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage


def static_build() -> str:
    """The manifest's hash under the manifest storage (production); "" without a manifest
    (development and tests, whose static URLs carry no hash)."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""
