"""`make bench`: load a dataset, serve the app under gunicorn with production settings, drive
every scenario with wrk and report requests/s as a ratio to /healthz in the same run.

    make bench BENCH_ARGS="--products 100000 --duration 10 --connections 32"
    .venv/bin/python -m bench --help
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from . import report, scenarios, wrk
from .server import ROOT, Gunicorn, free_port

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/marketplace_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/1"
RESULTS_DIR = Path(__file__).with_name("results")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    data = p.add_argument_group("dataset")
    data.add_argument("--products", type=int, default=100_000, help="catalog size (100000)")
    data.add_argument("--sellers", type=int, default=40, help="sellers across markets (40)")
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
    from .dataset import catalog_part

    return [catalog_part(products=args.products, sellers=args.sellers), buyers_part()]


def clear_bench_cache(redis_url: str) -> None:
    """Drop what earlier runs cached (keys under the bench prefix only)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match="bench:*", count=1000))
    for i in range(0, len(keys), 500):
        client.delete(*keys[i : i + 500])


def git_revision() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return "unknown"


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def probe(server: Gunicorn, requests: list[wrk.Request]) -> str:
    """Why a scenario cannot run yet ("" when it can): its endpoint answers 404."""
    first = requests[0]
    if first.method != "GET":
        return ""
    status, body = server.send(first)
    if status == 404:
        return f"{first.path} answers 404 (not built yet?)"
    if status >= 300:
        log(f"warning: {first.path} answers {status}: {body[:300]!r}")
    return ""


def prime(server: Gunicorn, requests: list[wrk.Request], workers: int) -> None:
    """A worker's first request to a page is slow (imports, template compilation, cold
    caches): a few seconds on a busy machine. Send rounds of concurrent requests and wait
    for all of them, so every worker has served the page before wrk starts its clock."""
    batch = [requests[i % len(requests)] for i in range(workers * 6)]
    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(lambda r: server.send(r, timeout=120), batch))


def drain(server: Gunicorn, budget_s: float = 30) -> None:
    """Wait until requests wrk left queued in the backlog have been served: a slow
    scenario leaves up to one per connection, and whatever runs next would queue behind."""
    deadline = time.monotonic() + budget_s
    quick = 0
    while quick < 2 and time.monotonic() < deadline:
        started = time.monotonic()
        server.send(wrk.Request("/healthz"), timeout=budget_s)
        quick = quick + 1 if time.monotonic() - started < 1 else 0


def run_scenario(server, args, sc: scenarios.Scenario, requests, workdir: Path) -> report.Row:
    connections = sc.connections or args.connections
    row = report.Row(sc.name, sc.title, connections, target=sc.target)
    row.skipped = probe(server, requests)
    if row.skipped:
        log(f"{sc.name}: skipped, {row.skipped}")
        return row
    drain(server)
    path = wrk.write_requests(workdir / f"{sc.name}.requests", requests)
    common = dict(base_url=server.base_url, requests_file=path, threads=args.threads)
    prime(server, requests, args.workers)
    if args.warmup > 0:
        # At least --warmup seconds, and one pass through the requests (so caches hold
        # what a live site would), but no longer than --warmup-max.
        warm = wrk.run(**common, connections=connections, duration_s=args.warmup)
        left = len(requests) - warm.requests
        if left > 0 and warm.rps > 0:
            extra = min(args.warmup_max - args.warmup, left / warm.rps)
            if extra >= 1:
                wrk.run(**common, connections=connections, duration_s=extra)
    log(f"{sc.name}: {len(requests)} distinct requests, {connections} connections")
    row.result = wrk.run(**common, connections=connections, duration_s=args.duration)
    row.loadavg = loadavg()
    r = row.result
    log(
        f"{sc.name}: {r.rps:.0f} req/s, p50 {r.latency_ms['p50']:.1f} ms, "
        f"p95 {r.latency_ms['p95']:.1f} ms, p99 {r.latency_ms['p99']:.1f} ms, errors {r.errors}"
        + (f" {r.statuses}" if r.statuses else "")
    )
    return row


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve_until_interrupted(server: Gunicorn, built) -> int:
    # Also when started in the background, where SIGINT is ignored.
    signal.signal(signal.SIGINT, _interrupt)
    log(f"serving at {server.base_url} (master pid {server.proc.pid}); Ctrl-C stops it")
    for sc, requests in built:
        log(f"  {sc.name}: {server.base_url}{requests[0].path}")
    try:
        while server.proc.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        log("gunicorn stopped")
        shutil.rmtree(server.log_path.parent, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # so `finally` stops gunicorn
    if args.list:
        for sc in scenarios.SCENARIOS:
            target = (
                sc.target.describe() if sc.target else "(floor)" if sc.name == "healthz" else ""
            )
            print(f"{sc.name:14} {sc.title:40} {target}")
        return 0
    try:
        wrk.wrk_binary()
    except wrk.WrkError as e:
        sys.exit(str(e))
    chosen = scenarios.SCENARIOS
    if args.scenarios:
        names = [n.strip() for n in args.scenarios.split(",") if n.strip()]
        names = [scenarios.HEALTHZ] + [n for n in names if n != scenarios.HEALTHZ]
        try:
            chosen = scenarios.by_name(names)
        except KeyError as e:
            sys.exit(str(e.args[0]))

    started = datetime.now(UTC)
    env = server_env(args)
    ensure_database(args.database_url, allow_any=args.allow_any_database, fresh=args.fresh_db)
    prepare_django(env)

    from django.db import connections

    from . import dataset

    if args.skip_load:
        load_report = dataset.LoadReport()
        log("dataset: --skip-load, using the database as it is")
    else:
        load_report = dataset.ensure(
            dataset_parts(args), force=args.reload, seed=args.seed, log=log
        )
        verb = "loaded " + ", ".join(load_report.loaded) if load_report.loaded else "present"
        log(f"dataset {verb} ({load_report.seconds} s)")
    clear_bench_cache(args.redis_url)

    ctx = scenarios.Context(rng=random.Random(args.seed), skew=args.skew)
    built = [(sc, sc.build(ctx)) for sc in chosen]
    connections.close_all()

    load_before = loadavg()
    rows: list[report.Row] = []
    healthz_rps: list[float] = []
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    server = Gunicorn(
        env=env,
        port=args.port or free_port(),
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.worker_threads,
        log_path=workdir / "gunicorn.log",
    )
    log(f"starting gunicorn ({args.workers} × {args.worker_class}) at {server.base_url}")
    server.start()
    if args.serve:
        return serve_until_interrupted(server, built)
    try:
        floor_file = wrk.write_requests(workdir / "floor.requests", [wrk.Request("/healthz")])
        for sc, requests in built:
            row = run_scenario(server, args, sc, requests, workdir)
            rows.append(row)
            if sc.name == scenarios.HEALTHZ and row.result:
                healthz_rps.append(row.result.rps)
            elif row.result and args.paired:
                # The floor again, right after: other work on the machine comes and goes,
                # and a ratio is only fair against a floor measured under the same load.
                drain(server)
                floor = wrk.run(
                    base_url=server.base_url,
                    requests_file=floor_file,
                    threads=args.threads,
                    connections=args.connections,
                    duration_s=max(3.0, args.duration / 2),
                )
                row.floor_rps = floor.rps
                healthz_rps.append(floor.rps)
                log(f"{sc.name}: paired /healthz floor {floor.rps:.0f} req/s")
        # The floor again at the end: if the machine got busier meanwhile, it shows here.
        healthz = scenarios.by_name([scenarios.HEALTHZ])[0]
        again = run_scenario(server, args, healthz, [wrk.Request("/healthz")], workdir)
        again.name = "healthz (end)"
        rows.append(again)
        if again.result:
            healthz_rps.append(again.result.rps)
        memory = [m.__dict__ for m in server.worker_memory()]
        master = server.master_memory()
        replaced = server.workers_replaced
        errors_log = server.log_tail(20)
    finally:
        server.stop()
        log("gunicorn stopped")
        shutil.rmtree(workdir, ignore_errors=True)

    base = report.baseline(healthz_rps)
    report.judge(rows, base)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    busiest = max((float(r.loadavg.split()[0]) for r in rows if r.loadavg), default=0.0)
    header = [
        f"- run {stamp}, git {git_revision()}, {os.cpu_count()} CPUs, load average "
        f"{load_before} before, {loadavg()} after, 1-min peak {busiest:.1f} "
        "(above the CPU count, other work on the machine shared the CPUs)",
        f"- gunicorn {args.workers} × {args.worker_class} workers; wrk {args.threads} threads, "
        f"{args.duration:g} s per scenario after a warm-up of {args.warmup:g}–"
        f"{args.warmup_max:g} s (one pass through its requests); product requests skewed "
        f"{args.skew:g} towards best sellers",
        f"- dataset: {args.products} products, {args.sellers} sellers "
        + ("(loaded this run)" if load_report.loaded else "(already loaded)"),
        (
            "- ratio base: the /healthz req/s measured right after each scenario (column "
            "floor); mean of all /healthz runs = "
            if args.paired
            else "- ratio base: mean /healthz req/s of its first and last runs = "
        )
        + ("n/a" if base is None else f"{base:.0f}"),
    ]
    memory_text = report.memory_lines(memory, master.__dict__ if master else None, replaced)
    md = report.markdown(rows, header=header, memory=memory_text)
    payload = {
        "started": started.isoformat(),
        "git": git_revision(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": load_before,
            "loadavg_after": loadavg(),
        },
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "dataset": load_report.summaries,
        "healthz_rps_runs": healthz_rps,
        "baseline_rps": base,
        "scenarios": [
            {
                "name": r.name,
                "title": r.title,
                "connections": r.connections,
                "skipped": r.skipped,
                "target": r.target.describe() if r.target else None,
                "ratio": r.ratio,
                "floor_rps": r.floor_rps,
                "verdict": r.verdict,
                "misses": r.misses,
                "wrk": r.result.to_dict() if r.result else None,
                "loadavg_after": r.loadavg,
            }
            for r in rows
        ],
        "memory": {"workers": memory, "master": master.__dict__ if master else None},
    }
    json_path, md_path = report.write(args.results_dir, stamp, payload, md)
    print()
    print(md)
    if errors_log.strip():
        print("gunicorn error log (tail):\n" + errors_log)
    print(
        f"results: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path}"
    )
    print(f"         {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
    failed = any(r.verdict == "FAIL" for r in rows)
    return 1 if failed and args.strict else 0


if __name__ == "__main__":
    started_at = time.monotonic()
    code = main()
    print(f"[bench] done in {time.monotonic() - started_at:.0f} s")
    sys.exit(code)
