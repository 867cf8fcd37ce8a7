"""One benchmark run: gunicorn up, every scenario under wrk (each paired with a /healthz
floor), the table and the result files."""

from __future__ import annotations

import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from . import report, scenarios, wrk
from .cli import log, parse_args
from .prepare import clear_bench_cache, dataset_parts, ensure_database, prepare_django, server_env
from .server import ROOT, Gunicorn, free_port


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
        for j in scenarios.JOBS:
            print(f"{j.name:14} {j.title} (in-process)")
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
    wanted = {sc.name for sc in chosen} | set(args.scenarios.split(","))
    jobs = {j.name: j.run(args) for j in scenarios.JOBS if not args.scenarios or j.name in wanted}
    for result in jobs.values():
        for line in result["lines"]:
            log(line)
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
        f"- dataset: {args.products} products, {args.sellers} sellers, {args.videos} videos "
        + ("(loaded this run)" if load_report.loaded else "(already loaded)"),
        (
            "- ratio base: the /healthz req/s measured right after each scenario (column "
            "floor); mean of all /healthz runs = "
            if args.paired
            else "- ratio base: mean /healthz req/s of its first and last runs = "
        )
        + ("n/a" if base is None else f"{base:.0f}"),
    ]
    header += [f"- {line}" for result in jobs.values() for line in result["lines"]]
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
        "jobs": jobs,
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
