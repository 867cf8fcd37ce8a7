"""`make bench`'s command line: every flag, and the log line format."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DESCRIPTION = (
    "`make bench`: load a dataset, serve the app under gunicorn with production settings, "
    "drive every scenario with wrk and report requests/s as a ratio to /healthz in the same run."
)
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/marketplace_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
RESULTS_DIR = Path(__file__).with_name("results")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=DESCRIPTION)
    data = p.add_argument_group("dataset")
    data.add_argument("--products", type=int, default=100_000, help="catalog size (100000)")
    data.add_argument("--sellers", type=int, default=40, help="sellers across markets (40)")
    data.add_argument(
        "--videos",
        type=int,
        default=10_000,
        help="published videos for the feed scenarios (10000; 1000000 loads in a few minutes)",
    )
    data.add_argument(
        "--commissions", type=int, default=100_000, help="pending commissions to settle (100000)"
    )
    data.add_argument(
        "--dashboard-commissions",
        type=int,
        default=50_000,
        help="commissions of the dashboard creator, over a year (50000)",
    )
    data.add_argument("--reload", action="store_true", help="reload the dataset even if present")
    data.add_argument("--skip-load", action="store_true", help="use the database as it is")
    data.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    data.add_argument(
        "--fresh-db", action="store_true", help="drop and recreate the bench database first"
    )

    load = p.add_argument_group("load")
    load.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    load.add_argument("--duration", type=float, default=10, help="seconds per scenario (10)")
    load.add_argument("--warmup", type=float, default=3, help="wrk warm-up seconds, unmeasured (3)")
    load.add_argument(
        "--warmup-max",
        type=float,
        default=30,
        help="longest warm-up, when one pass through a scenario's requests takes longer (30)",
    )
    load.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    load.add_argument(
        "--no-paired",
        dest="paired",
        action="store_false",
        help="compare every scenario with the run's mean /healthz instead of a /healthz "
        "measured right after it",
    )
    load.add_argument(
        "--scenarios",
        default="",
        help="comma-separated subset to run (healthz always runs); see --list",
    )
    load.add_argument(
        "--skew",
        type=float,
        default=0.8,
        help="popularity skew of product requests: the k-th most popular of 2000 sampled "
        "products weighs 1/k**skew (0.8; 0 = uniform)",
    )
    load.add_argument("--list", action="store_true", help="list the scenarios and exit")
    load.add_argument(
        "--serve",
        action="store_true",
        help="load the dataset, start gunicorn and keep it up until Ctrl-C (for profiling)",
    )

    srv = p.add_argument_group("server")
    srv.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    srv.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    srv.add_argument("--worker-threads", type=int, default=1, help="threads per worker (1)")
    srv.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    srv.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help=f"PostgreSQL for the bench; env BENCH_DATABASE_URL ({DEFAULT_DATABASE_URL})",
    )
    srv.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"Redis for the bench; env BENCH_REDIS_URL ({DEFAULT_REDIS_URL})",
    )
    srv.add_argument(
        "--allow-any-database",
        action="store_true",
        help="allow a database whose name lacks 'bench' (loading empties catalog tables)",
    )
    p.add_argument("--results-dir", type=Path, default=RESULTS_DIR)
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return p.parse_args(argv)


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)
