"""Real processes for pipeline tests: a private redis-server, Celery workers, and a
checkout run in its own process — all pointed at the test database."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url() -> str:
    d = connection.settings_dict
    auth = d["USER"] + (f":{d['PASSWORD']}" if d.get("PASSWORD") else "")
    return f"postgres://{auth}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


def service_env(redis_url: str, tmp: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=test_database_url(),
        REDIS_URL=redis_url,
        TESTING="1",
        DJANGO_SETTINGS_MODULE="marketplace.settings",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp / "mail"),
        PAYMENT_SANDBOX_WEBHOOKS="0",
        CELERY_VISIBILITY_TIMEOUT="4",
        OUTBOX_SWEEP_SECONDS="2",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


class Worker:
    def __init__(self, env: dict, *, beat: bool = False, log: Path):
        cmd = [
            sys.executable, "-m", "celery", "-A", "marketplace", "worker",
            "--pool=solo", "--without-gossip", "--without-mingle", "--loglevel=INFO",
            "-I", "tests.e2e.crashpoints",
        ]  # fmt: skip
        if beat:
            cmd += ["-B", "-s", str(log.with_suffix(".schedule"))]
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        """SIGKILL the whole worker (and its beat): no cleanup, no ack."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()

    stop = kill


def place_order(env: dict, *, buyer_id: int, variant_id: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "tests.e2e.place_order", str(buyer_id), str(variant_id)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    if out.returncode != 0:
        raise AssertionError(f"checkout process failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def sent_messages(tmp: Path) -> list[str]:
    folder = tmp / "mail"
    if not folder.exists():
        return []
    messages = []
    for f in sorted(folder.iterdir()):
        messages += [m for m in f.read_text().split("\n" + "-" * 79 + "\n") if m.strip()]
    return messages
