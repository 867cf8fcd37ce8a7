"""Fixtures for the creators tests: tiny real clips made once per session with ffmpeg,
creators, and Celery forced to run in-process (CI sets REDIS_URL, which would otherwise
send tasks to a broker)."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from creators.media import ffmpeg_exe
from creators.models import Creator
from marketplace.celery import app as celery_app
from tests.creators.money_support import make_creator as money_creator
from tests.factories import ProductFactory, SellerFactory, UserFactory

SIZE = "160x284"  # 9:16, tiny


def _ffmpeg(*args: str) -> None:
    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args],
        check=True,
        timeout=60,
    )


def _lavfi(size: str, seconds: float, rate: int = 24) -> list[str]:
    return [
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=s={size}:r={rate}:d={seconds}",
        "-f",
        "lavfi",
        "-i",
        f"sine=f=440:d={seconds}",
    ]


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> SimpleNamespace:
    """Paths of small test files: good ones in each container, and broken ones."""
    d = tmp_path_factory.mktemp("clips")
    h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    aac = ["-c:a", "aac", "-b:a", "48k", "-shortest"]
    # moov at the end (no faststart), as phones write them
    _ffmpeg(*_lavfi(SIZE, 1.5), *h264, *aac, str(d / "good.mp4"))
    _ffmpeg(*_lavfi(SIZE, 1.5), *h264, *aac, "-movflags", "+faststart", str(d / "fast.mp4"))
    _ffmpeg("-i", str(d / "good.mp4"), "-c", "copy", str(d / "good.mov"))
    _ffmpeg(
        *_lavfi(SIZE, 1.5),
        *["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8"],
        *["-c:a", "libopus", "-shortest"],
        str(d / "good.webm"),
    )
    # Short side 780 > 720: must be scaled down.
    _ffmpeg(*_lavfi("780x1388", 0.6, rate=5), *h264, *aac, str(d / "big.mp4"))
    _ffmpeg("-f", "lavfi", "-i", "sine=f=440:d=1", "-c:a", "aac", str(d / "audio_only.mp4"))

    good, fast = (d / "good.mp4").read_bytes(), (d / "fast.mp4").read_bytes()
    (d / "truncated_index.mp4").write_bytes(good[: len(good) * 6 // 10])  # moov lost
    (d / "truncated_data.mp4").write_bytes(fast[: len(fast) * 6 // 10])  # frames lost
    (d / "text.mp4").write_bytes(b"This is a shopping list, not a video.\n" * 20)
    return SimpleNamespace(
        good=d / "good.mp4",
        fast=d / "fast.mp4",
        mov=d / "good.mov",
        webm=d / "good.webm",
        big=d / "big.mp4",
        audio_only=d / "audio_only.mp4",
        truncated_index=d / "truncated_index.mp4",
        truncated_data=d / "truncated_data.mp4",
        text=d / "text.mp4",
    )


def upload(path: Path, name: str | None = None, content_type: str = "video/mp4"):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=content_type)


def stored_files(root) -> list[str]:
    root = Path(root)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def png_bytes(size=(64, 64), color=(254, 44, 85)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _own_feed_keys(own_feed_keys):
    """Every creators test gets its own feed keys (``own_feed_keys``)."""


@pytest.fixture
def world():
    """A small market of creators, products and published videos (``feed_support``)."""
    from tests.creators.feed_support import World

    return World()


@pytest.fixture(autouse=True)
def _eager_celery():
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def us(markets):
    return markets["US"]


@pytest.fixture
def casey(us):
    """A creator in the US market (the money and dashboard tests' creator)."""
    return money_creator(us, "casey")


@pytest.fixture
def make_creator(markets):
    def make(handle: str = "casey", market: str = "US", **kwargs) -> Creator:
        user = UserFactory(username=f"u-{handle}", market=markets[market])
        return Creator.objects.create(
            user=user,
            handle=handle,
            display_name=kwargs.pop("display_name", handle.title()),
            market=markets[market],
            **kwargs,
        )

    return make


@pytest.fixture
def creator(make_creator) -> Creator:
    return make_creator("casey")


@pytest.fixture
def products(markets):
    """Three active products of the US market, in different categories."""
    seller = SellerFactory(market=markets["US"])
    return [ProductFactory(seller=seller, title=f"Glow serum {i}") for i in range(3)]
