"""Before a run: the bench database, Django set up against it with production settings,
static files collected, the dataset's parts, and a Redis emptied of earlier runs' keys."""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from urllib.parse import urlparse

from .cli import log


def server_env(args: argparse.Namespace) -> dict[str, str]:
    """Production settings, except HTTPS: this is plain HTTP on loopback."""
    env = {k: v for k, v in os.environ.items() if k not in ("TESTING", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DATABASE_URL=args.database_url,
        REDIS_URL=args.redis_url,
        CACHE_KEY_PREFIX="bench",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def ensure_database(url: str, *, allow_any: bool, fresh: bool = False) -> None:
    import psycopg
    from psycopg import sql

    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        sys.exit(f"bench needs PostgreSQL; got {url!r}")
    name = parsed.path.lstrip("/")
    if "bench" not in name and not allow_any:
        sys.exit(
            f"refusing to use database {name!r}: loading empties the catalog tables. "
            "Use a database named *bench*, or pass --allow-any-database."
        )
    admin = parsed._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin, autocommit=True) as conn:
            if fresh:
                log(f"dropping database {name}")
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                log(f"creating database {name}")
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as e:
        sys.exit(f"cannot reach PostgreSQL at {admin}: {e}")


def prepare_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.pop("TESTING", None)
    import django

    django.setup()
    from django.core.management import call_command

    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    collect_static()


def collect_static() -> None:
    """WhiteNoise's manifest storage needs collectstatic, which hashes and compresses
    every file (slow on a busy machine); skip it when no source file changed and nobody
    rewrote the manifest since the bench last ran it."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            st = os.stat(storage.path(path))
            digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    sources = digest.hexdigest()
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    stamp = Path(settings.STATIC_ROOT) / ".bench-static-fingerprint"

    def current() -> str:
        return f"{sources} {manifest.stat().st_mtime_ns if manifest.exists() else 0}"

    if manifest.exists() and stamp.exists() and stamp.read_text() == current():
        log("static files unchanged since the last collectstatic")
        return
    log("collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(current())


def dataset_parts(args: argparse.Namespace):
    """The dataset, in dependency order; later issues append their parts here."""
    from .buyers import buyers_part
    from .catalog_data import catalog_part
    from .feed_data import videos_part
    from .money_data import money_part

    return [
        catalog_part(products=args.products, sellers=args.sellers),
        buyers_part(),
        videos_part(videos=args.videos),
        money_part(commissions=args.commissions, dashboard=args.dashboard_commissions),
    ]


def clear_bench_cache(redis_url: str) -> None:
    """Drop what earlier runs cached (keys under the bench prefix only)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="bench:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])
