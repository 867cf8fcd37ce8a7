"""Shared fixtures, and the rule that a missing service is a skip locally but a failure in CI."""

import os
import uuid

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Properties are about correctness; a loaded 2-core CI box must not fail them on speed.
hypothesis_settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("default")

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def _missing_service(item) -> str | None:
    if item.get_closest_marker("postgres") and settings.DATABASES["default"]["ENGINE"] != (
        "django.db.backends.postgresql"
    ):
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("redis") and not settings.REDIS_URL:
        return "needs Redis: set REDIS_URL=redis://..."
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        return f"needs Debian's chromium at {CHROMIUM}"
    return None


CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def pytest_runtest_setup(item):
    reason = _missing_service(item)
    if reason:
        if REQUIRE_SERVICES:
            pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def markets(db):
    """The four markets (US, GB, JP, ID) by code. Modules that need them otherwise (a
    shipping price, a warm market cache) define their own."""
    from tests.factories import ensure_markets

    return ensure_markets()


@pytest.fixture
def eager(settings):
    """A checkout's whole pipeline inside the request: Celery tasks run in-process and the
    payment sandbox sends no webhooks of its own."""
    from marketplace.celery import app

    settings.PAYMENT_SANDBOX_WEBHOOKS = False
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def own_feed_keys(settings):
    """Feed keys (pools, sessions, cards, viewers) under a prefix of this test's own:
    Redis is shared by the tests and by concurrent runs."""
    from creators.feed import store  # an app module: imported once Django is set up

    settings.FEED_KEY_PREFIX = f"test-feed:{uuid.uuid4().hex[:8]}:"
    store.forget_local_memo()
    yield
    store.forget_local_memo()
    client = store.redis_client()
    if client is not None:
        keys = list(client.scan_iter(f"{settings.FEED_KEY_PREFIX}*", count=500))
        if keys:
            client.delete(*keys)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
