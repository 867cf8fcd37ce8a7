"""Turning wrk results into the table `make bench` prints and the files it writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .scenarios import Target
from .wrk import WrkResult


@dataclass
class Row:
    name: str
    title: str
    connections: int
    result: WrkResult | None = None
    target: Target | None = None
    skipped: str = ""  # why it did not run (endpoint missing, …)
    ratio: float | None = None
    misses: list[str] = field(default_factory=list)
    loadavg: str = ""  # the machine's load average when the scenario finished
    floor_rps: float | None = None  # /healthz measured right after this scenario

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "SKIP"
        if not self.target:
            return ""
        return "FAIL" if self.misses else "PASS"


def ratio(rps: float, baseline_rps: float | None) -> float | None:
    if not baseline_rps:
        return None
    return rps / baseline_rps


def baseline(rps_values: list[float]) -> float | None:
    """The /healthz floor: the mean of its runs (first and last), so a load change on the
    machine during the run shifts every ratio by less."""
    values = [v for v in rps_values if v > 0]
    return sum(values) / len(values) if values else None


def judge(rows: list[Row], baseline_rps: float | None) -> None:
    for row in rows:
        if row.result is None:
            continue
        row.ratio = ratio(row.result.rps, row.floor_rps or baseline_rps)
        if row.target:
            row.misses = row.target.check(
                ratio=row.ratio, p95_ms=row.result.latency_ms["p95"], errors=row.result.errors
            )


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


HEADERS = ["scenario", "conns", "req/s", "floor", "× healthz", "p50 ms", "p95 ms", "p99 ms"]
HEADERS += ["errors"]
HEADERS += ["target", "result"]


def row_cells(row: Row) -> list[str]:
    target = row.target.describe() if row.target else ""
    if row.result is None:
        return [row.name, str(row.connections), *["–"] * 7, target, "SKIP"]
    r = row.result
    verdict = row.verdict
    if row.misses:
        verdict += " (" + "; ".join(row.misses) + ")"
    return [
        row.name,
        str(row.connections),
        f"{r.rps:.0f}",
        "" if row.floor_rps is None else f"{row.floor_rps:.0f}",
        "–" if row.ratio is None else f"{row.ratio:.2f}",
        _ms(r.latency_ms["p50"]),
        _ms(r.latency_ms["p95"]),
        _ms(r.latency_ms["p99"]),
        str(r.errors),
        target,
        verdict,
    ]


def table(rows: list[Row]) -> str:
    """A Markdown table, padded so it also reads well in a terminal."""
    body = [row_cells(r) for r in rows]
    widths = [max(len(h), *(len(b[i]) for b in body)) for i, h in enumerate(HEADERS)]
    numeric = {1, 2, 3, 4, 5, 6, 7, 8}

    def line(cells: list[str]) -> str:
        padded = [
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if i in numeric else "-" * (w + 2) for i, w in enumerate(widths)
    )
    rule += "|"
    return "\n".join([line(HEADERS), rule, *(line(b) for b in body)])


def skipped_notes(rows: list[Row]) -> list[str]:
    return [f"- {r.name}: skipped, {r.skipped}" for r in rows if r.skipped]


def memory_lines(workers: list[dict], master: dict | None, replaced: int) -> list[str]:
    if not workers:
        return ["web workers: no memory reading"]
    hwm = [w["hwm_kb"] for w in workers]
    lines = [
        f"web workers ({len(workers)}) peak RSS (VmHWM): max {hwm_mb(max(hwm))}, "
        f"sum {hwm_mb(sum(hwm))}; each: " + ", ".join(hwm_mb(h) for h in hwm)
    ]
    if master:
        lines.append(f"gunicorn master peak RSS: {hwm_mb(master['hwm_kb'])}")
    if replaced:
        lines.append(
            f"warning: {replaced} worker(s) were replaced during the run; their peak is lost"
        )
    return lines


def hwm_mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MiB"


def markdown(rows: list[Row], *, header: list[str], memory: list[str]) -> str:
    parts = ["# `make bench` results", "", *header, "", table(rows), ""]
    notes = skipped_notes(rows)
    if notes:
        parts += [*notes, ""]
    parts += [f"- {m}" for m in memory]
    return "\n".join(parts) + "\n"


def write(results_dir: Path, stamp: str, payload: dict, md: str) -> tuple[Path, Path]:
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"{stamp}.json"
    json_path.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    md_path = results_dir / "latest.md"
    md_path.write_text(md)
    return json_path, md_path
