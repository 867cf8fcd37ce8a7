"""Start and stop gunicorn for a benchmark run, and read its workers' memory."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ProcessMemory:
    pid: int
    rss_kb: int
    hwm_kb: int  # VmHWM: the resident-set high-water mark since the process started


def read_memory(pid: int) -> ProcessMemory | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    return parse_proc_status(pid, text)


def parse_proc_status(pid: int, text: str) -> ProcessMemory:
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])  # always reported in kB
    return ProcessMemory(pid=pid, rss_kb=values.get("VmRSS", 0), hwm_kb=values.get("VmHWM", 0))


def child_pids(pid: int) -> list[int]:
    tasks = list(Path(f"/proc/{pid}/task").glob("*"))
    if tasks and (tasks[0] / "children").exists():
        children: set[int] = set()
        for task in tasks:
            try:
                children.update(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
        return sorted(children)
    # Kernels without CONFIG_PROC_CHILDREN: scan every process's parent.
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


class Gunicorn:
    """gunicorn serving marketplace.wsgi on 127.0.0.1, with the environment it is given."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        port: int,
        workers: int,
        worker_class: str = "sync",
        threads: int = 1,
        log_path: Path,
    ):
        self.env = env
        self.port = port
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.worker_pids_seen: set[int] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, ready_timeout_s: float = 60) -> None:
        cmd = [
            str(Path(sys.executable).with_name("gunicorn")),
            "marketplace.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            f"--worker-class={self.worker_class}",
            f"--threads={self.threads}",
            "--backlog=4096",
            "--timeout=120",
            "--graceful-timeout=5",
            "--log-level=warning",
            f"--error-logfile={self.log_path}",
        ]
        self.log_path.write_text("")
        self.proc = subprocess.Popen(  # noqa: S603
            cmd, cwd=ROOT, env=self.env, start_new_session=True, stdin=subprocess.DEVNULL
        )
        try:
            self._wait_ready(ready_timeout_s)
        except BaseException:  # not ready, or interrupted meanwhile: leave nothing running
            self.stop()
            raise

    def _wait_ready(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            if self._healthy() and len(child_pids(self.proc.pid)) >= self.workers:
                self.worker_pids_seen.update(child_pids(self.proc.pid))
                return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn not ready after {timeout_s:.0f}s:\n{self.log_tail()}")

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as r:
                return r.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def send(self, request, timeout: float = 60) -> tuple[int, bytes]:
        """One request (a ``bench.wrk.Request``), redirects not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        req = urllib.request.Request(
            f"{self.base_url}{request.path}",
            data=request.body.encode() if request.body else None,
            headers=dict(request.headers),
            method=request.method,
        )
        try:
            with opener.open(req, timeout=timeout) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def worker_memory(self) -> list[ProcessMemory]:
        """VmHWM/VmRSS of the current workers. A worker that was replaced mid-run (timeout,
        crash) loses its high-water mark; ``workers_replaced`` says whether that happened."""
        if not self.proc:
            return []
        pids = child_pids(self.proc.pid)
        self.worker_pids_seen.update(pids)
        return [m for m in (read_memory(p) for p in pids) if m]

    def master_memory(self) -> ProcessMemory | None:
        return read_memory(self.proc.pid) if self.proc else None

    @property
    def workers_replaced(self) -> int:
        return max(0, len(self.worker_pids_seen) - self.workers)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text().splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        except ProcessLookupError:
            pass
