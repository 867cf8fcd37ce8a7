"""Driving wrk: write the requests file, run wrk with requests.lua, parse its result line."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("requests.lua")
RESULT_MARKER = "BENCH_RESULT "
INSTALL_HINT = "wrk is not installed: `sudo apt-get install wrk` (Debian/Ubuntu)."


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class Request:
    """One HTTP request a scenario sends; a scenario rotates through many of them."""

    path: str
    method: str = "GET"
    body: str = ""
    headers: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        """Encode for requests.lua: tab-separated, so no field may hold a tab or newline."""
        fields = [self.method, self.path, self.body, *(f"{k}: {v}" for k, v in self.headers)]
        for value in fields:
            if "\t" in value or "\n" in value or "\r" in value:
                raise ValueError(f"request field may not contain tabs or newlines: {value!r}")
        return "\t".join(fields)


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    bytes: int
    socket_errors: dict[str, int]
    non2xx: int
    statuses: dict[str, int]
    latency_ms: dict[str, float]  # "p50", "p75", "p90", "p95", "p99", "p99.9", "mean", "max"
    extra: dict = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s > 0 else 0.0

    @property
    def errors(self) -> int:
        """Failed requests: any non-2xx answer plus socket errors (connect, read, write, timeout).

        wrk's own ``status`` count is left out: it counts answers >= 400, which ``non2xx``
        already includes."""
        sockets = sum(v for k, v in self.socket_errors.items() if k != "status")
        return self.non2xx + sockets

    def to_dict(self) -> dict:
        return {
            "requests": self.requests,
            "duration_s": self.duration_s,
            "rps": round(self.rps, 1),
            "bytes": self.bytes,
            "errors": self.errors,
            "socket_errors": self.socket_errors,
            "non2xx": self.non2xx,
            "statuses": self.statuses,
            "latency_ms": self.latency_ms,
        }


def parse_output(stdout: str) -> WrkResult:
    """Find the BENCH_RESULT line requests.lua printed and turn it into a WrkResult."""
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_MARKER):
            data = json.loads(line[len(RESULT_MARKER) :])
            break
    else:
        raise WrkError(f"wrk printed no {RESULT_MARKER.strip()} line:\n{stdout[-2000:]}")
    lat = data["latency_us"]
    latency_ms = {f"p{k}": v / 1000 for k, v in lat["percentiles"].items()}
    latency_ms.update(mean=lat["mean"] / 1000, max=lat["max"] / 1000, min=lat["min"] / 1000)
    return WrkResult(
        requests=int(data["requests"]),
        duration_s=data["duration_us"] / 1_000_000,
        bytes=int(data["bytes"]),
        socket_errors={k: int(v) for k, v in data["errors"].items()},
        non2xx=int(data["non2xx"]),
        statuses={k: int(v) for k, v in data["statuses"].items()},
        latency_ms=latency_ms,
    )


def wrk_binary() -> str:
    path = shutil.which("wrk")
    if not path:
        raise WrkError(INSTALL_HINT)
    return path


def write_requests(path: Path, requests: list[Request]) -> Path:
    path.write_text("".join(r.line() + "\n" for r in requests))
    return path


def run(
    *,
    base_url: str,
    requests_file: Path,
    connections: int,
    duration_s: float,
    threads: int,
    timeout_s: float = 10,
) -> WrkResult:
    threads = max(1, min(threads, connections))
    cmd = [
        wrk_binary(),
        f"--connections={connections}",
        f"--threads={threads}",
        f"--duration={max(1, round(duration_s))}s",
        f"--timeout={max(1, round(timeout_s))}s",
        "--latency",
        f"--script={LUA_SCRIPT}",
        base_url,
        "--",
        str(requests_file),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60)
    if proc.returncode != 0:
        raise WrkError(f"wrk failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout}")
    return parse_output(proc.stdout)
