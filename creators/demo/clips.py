"""Demo media: short 9:16 H.264/AAC clips made with ffmpeg from a product's picture, and
creators' avatars.

The frame is drawn with Pillow (the picture on a blurred, darkened copy of itself, and a
text sticker), then ffmpeg slowly zooms into it. Text is never drawn by ffmpeg, whose
drawtext filter may have no fonts. Clips are made fast (ultrafast preset, low bitrate, a
silent audio track) so ~150 of them take a minute or two on two cores.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from ..media import ffmpeg_exe, poster_at, poster_jpeg

WIDTH, HEIGHT = 540, 960
FPS = 24
# The frame is drawn this much larger than the video, so the zoom has pixels to spare;
# the clip zooms from 1 to this (or back).
OVERSCAN = 1.12


@dataclass(frozen=True)
class Clip:
    video: bytes
    poster: bytes
    duration_ms: int
    width: int = WIDTH
    height: int = HEIGHT


@cache
def _font(size: int):
    return ImageFont.load_default(size=size)


def _fallback_picture(title: str, colour: tuple[int, int, int]) -> Image.Image:
    """A plain picture with the product's name, for a product without images."""
    image = Image.new("RGB", (800, 800), colour)
    draw = ImageDraw.Draw(image)
    lines = textwrap.wrap(title, 14)[:3]
    y = 400 - len(lines) * 40
    for line in lines:
        draw.text((400, y), line, font=_font(64), fill="white", anchor="mt")
        y += 80
    return image


def _frame(picture: Image.Image) -> Image.Image:
    """The background frame, ``OVERSCAN`` times the video size."""
    w, h = round(WIDTH * OVERSCAN), round(HEIGHT * OVERSCAN)
    picture = ImageOps.exif_transpose(picture).convert("RGB")
    back = ImageOps.fit(picture, (w // 8, h // 8)).filter(ImageFilter.GaussianBlur(3))
    back = back.resize((w, h), Image.Resampling.BILINEAR)
    back = Image.blend(back, Image.new("RGB", (w, h), (12, 12, 20)), 0.35)
    side = round(w * 0.74)
    front = ImageOps.fit(picture, (side, side), Image.Resampling.LANCZOS)
    mask = Image.new("L", front.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 14, fill=255)
    back.paste(front, ((w - side) // 2, round(h * 0.5) - side // 2), mask)
    return back


def _sticker(hook: str, title: str, accent: tuple[int, int, int]) -> Image.Image:
    """The text overlay (RGBA, video size): a hook in a pill, and the product's name."""
    layer = Image.new("RGBA", (WIDTH, HEIGHT), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    hook_font, title_font = _font(36), _font(26)
    top = 112
    box = draw.textbbox((WIDTH // 2, top), hook, font=hook_font, anchor="mt")
    pad = 18
    draw.rounded_rectangle(
        (box[0] - pad, box[1] - pad + 4, box[2] + pad, box[3] + pad - 2),
        radius=26,
        fill=(*accent, 235),
    )
    draw.text((WIDTH // 2, top), hook, font=hook_font, fill="white", anchor="mt")
    y = box[3] + pad + 16
    for line in textwrap.wrap(title, 30)[:2]:
        draw.text(
            (WIDTH // 2, y),
            line,
            font=title_font,
            fill="white",
            anchor="mt",
            stroke_width=3,
            stroke_fill=(0, 0, 0, 200),
        )
        y += 34
    return layer


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def clip_make(
    *,
    picture: bytes | None,
    title: str,
    hook: str,
    seconds: float,
    zoom_in: bool = True,
    accent: tuple[int, int, int] = (254, 44, 85),
    timeout: float = 120,
) -> Clip:
    """A ``seconds`` long 540x960 clip of ``picture`` with ``hook`` and ``title`` on it."""
    if picture:
        with Image.open(io.BytesIO(picture)) as opened:
            source = opened.copy()
    else:
        source = _fallback_picture(title, accent)
    frames = max(1, round(seconds * FPS))
    # zoom in from 1.0 to OVERSCAN (or out) over the clip, centred
    step = (OVERSCAN - 1) / frames
    zoom = f"1+{step:.6f}*on" if zoom_in else f"{OVERSCAN}-{step:.6f}*on"
    with tempfile.TemporaryDirectory(prefix="demo-clip-") as work:
        work_dir = Path(work)
        (work_dir / "frame.png").write_bytes(_png(_frame(source)))
        (work_dir / "sticker.png").write_bytes(_png(_sticker(hook, title, accent)))
        out = work_dir / "clip.mp4"
        graph = (
            f"[0:v]zoompan=z='{zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
            f":d={frames}:s={WIDTH}x{HEIGHT}:fps={FPS},format=yuv420p[bg];"
            # blending in YUV is three times cheaper than ffmpeg's RGB default here
            "[1:v]format=yuva420p[sticker];[bg][sticker]overlay=0:0:format=yuv420[v]"
        )
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-v",
            "error",
            "-y",
            "-i",
            str(work_dir / "frame.png"),
            "-i",
            str(work_dir / "sticker.png"),
            "-f",
            "lavfi",
            "-i",
            "anullsrc=r=44100:cl=mono",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "2:a",
            "-t",
            f"{frames / FPS:.3f}",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "stillimage",
            "-crf",
            "30",
            "-maxrate",
            "900k",
            "-bufsize",
            "1800k",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-movflags",
            "+faststart",
            str(out),
        ]
        subprocess.run(cmd, check=True, timeout=timeout, capture_output=True)  # noqa: S603
        duration_ms = round(frames / FPS * 1000)
        poster = poster_jpeg(out, at_seconds=poster_at(duration_ms))
        return Clip(video=out.read_bytes(), poster=poster, duration_ms=duration_ms)


def avatar_draw(name: str, colours: tuple[str, str]) -> bytes:
    """A square JPEG: a diagonal gradient between two colours with the initials."""
    size = 320
    start = Image.new("RGB", (size, size), colours[0])
    end = Image.new("RGB", (size, size), colours[1])
    mask = Image.linear_gradient("L").resize((size, size)).rotate(45, fillcolor=128)
    image = Image.composite(end, start, mask)
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    ImageDraw.Draw(image).text(
        (size // 2, size // 2), initials, font=_font(132), fill="white", anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=86)
    return out.getvalue()
