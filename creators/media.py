"""Video probing, checking, transcoding and posters, with the ffmpeg that imageio-ffmpeg
ships (there is no ffprobe: streams are read from ``ffmpeg -i``'s report).

Untrusted files only ever reach ffmpeg with the demuxer forced from their sniffed magic
bytes and local files as the only protocol, so a "video" that is really a playlist cannot
make ffmpeg fetch URLs or read other files.
"""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image

VIDEO_EXTENSIONS = {".mp4": "mp4", ".m4v": "mp4", ".mov": "mov", ".webm": "webm"}
# The demuxer each sniffed container is opened with.
_DEMUXERS = {"mp4": "mov", "mov": "mov", "webm": "matroska"}
# ISO base media boxes a QuickTime/MP4 file may open with.
_ISO_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"

MAX_SHORT_SIDE = 720  # "720p" for portrait and landscape alike
POSTER_MAX_SHORT_SIDE = 720
PLAYABLE_PIXEL_FORMATS = {"yuv420p", "yuvj420p"}


class MediaError(Exception):
    """The file is not a playable video. ``reason`` is written for the creator."""

    def __init__(self, reason: str, *, detail: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail  # ffmpeg's own words, for the logs


@dataclass(frozen=True)
class Probe:
    container: str
    duration_ms: int | None  # None when the header does not say (some WebM recordings)
    width: int  # as displayed, after any rotation
    height: int
    video_codec: str
    pixel_format: str
    audio_codec: str | None
    rotation: int

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    def can_copy(self, *, max_short_side: int = MAX_SHORT_SIDE) -> bool:
        """Already what every browser plays: H.264 4:2:0 (+ AAC) at most 720p."""
        return (
            self.container in ("mp4", "mov")
            and self.video_codec == "h264"
            and self.pixel_format in PLAYABLE_PIXEL_FORMATS
            and self.audio_codec in (None, "aac")
            and self.short_side <= max_short_side
        )


@cache
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def sniff_container(head: bytes) -> str | None:
    """The container the first bytes announce: ``mp4``, ``mov``, ``webm`` or ``None``."""
    if head.startswith(_EBML_MAGIC):
        return "webm"
    if len(head) >= 12 and head[4:8] in _ISO_BOXES:
        if head[4:8] == b"ftyp":
            return "mov" if head[8:12] == b"qt  " else "mp4"
        return "mov"
    return None


def _input_args(path: Path | str, container: str) -> list[str]:
    return [
        "-protocol_whitelist",
        "file,pipe",
        "-f",
        _DEMUXERS[container],
        "-i",
        str(path),
    ]


def _run(args: list[str], *, timeout: float, stdout=subprocess.DEVNULL) -> tuple[int, bytes, str]:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    try:
        done = subprocess.run(  # noqa: S603 - a fixed binary and argument list, no shell
            cmd, stdout=stdout, stderr=subprocess.PIPE, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        raise MediaError("Processing this video took too long. Try a shorter or smaller file.")
    return done.returncode, done.stdout or b"", done.stderr.decode("utf-8", "replace")


_DURATION = re.compile(r"Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)")
_STREAM = re.compile(r"^\s*Stream #\d+:\d+\S*: (Video|Audio): (.*)$", re.MULTILINE)
_DIMENSIONS = re.compile(r"^(\d{1,5})x(\d{1,5})\b")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees", re.IGNORECASE)
_OUT_TIME = re.compile(rb"^out_time_us=(\d+)$", re.MULTILINE)


def _split_top_level(text: str) -> list[str]:
    """Split an ffmpeg stream description on commas outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def parse_probe(report: str, *, container: str) -> Probe:
    """Read the streams out of ``ffmpeg -i``'s report. Raises ``MediaError``."""
    if "moov atom not found" in report:
        raise MediaError(
            "This file is incomplete: its index is missing (the upload or the recording "
            "was cut short).",
            detail=report[-500:],
        )
    if "Input #0" not in report:
        raise MediaError("This file is damaged or is not a video.", detail=report[-500:])
    video = audio = None
    for kind, description in _STREAM.findall(report):
        if kind == "Video" and video is None and "(attached pic)" not in description:
            video = description
        elif kind == "Audio" and audio is None:
            audio = description
    if video is None:
        raise MediaError("This file has no video track.", detail=report[-500:])
    parts = _split_top_level(video)
    codec = parts[0].split(" ", 1)[0]
    pixel_match = re.match(r"[a-z0-9_]*", parts[1] if len(parts) > 1 else "")
    pixel_format = pixel_match.group(0) if pixel_match else ""
    dims = next((m for p in parts if (m := _DIMENSIONS.match(p))), None)
    if dims is None or 0 in (int(dims.group(1)), int(dims.group(2))):
        raise MediaError("The video track has no picture size.", detail=video)
    width, height = int(dims.group(1)), int(dims.group(2))
    rotation_match = _ROTATION.search(report)
    rotation = round(float(rotation_match.group(1))) % 360 if rotation_match else 0
    if rotation in (90, 270):
        width, height = height, width
    duration = _DURATION.search(report)
    duration_ms = None
    if duration:
        hours, minutes, seconds = duration.groups()
        duration_ms = round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)
    return Probe(
        container=container,
        duration_ms=duration_ms or None,
        width=width,
        height=height,
        video_codec=codec,
        pixel_format=pixel_format,
        audio_codec=audio.split(" ", 1)[0].rstrip(",") if audio else None,
        rotation=rotation,
    )


def probe(path: Path | str, *, container: str, timeout: float = 30) -> Probe:
    """Read the container's header (cheap: no decoding)."""
    _, _, report = _run(_input_args(path, container), timeout=timeout)
    return parse_probe(report, container=container)


def _decode_errors(report: str) -> str:
    return "\n".join(line for line in report.splitlines() if line.strip())


def _progress_ms(progress: bytes) -> int | None:
    times = _OUT_TIME.findall(progress)
    return int(times[-1]) // 1000 if times else None


def decode_check(path: Path | str, *, container: str, timeout: float) -> int | None:
    """Decode every frame and sample; any decoder error (a truncated or corrupt file)
    raises ``MediaError``. Returns the decoded duration in ms."""
    code, progress, report = _run(
        [
            "-v",
            "error",
            "-xerror",
            *_input_args(path, container),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-f",
            "null",
            "-progress",
            "pipe:1",
            "-nostats",
            "-",
        ],
        timeout=timeout,
        stdout=subprocess.PIPE,
    )
    if code != 0 or _decode_errors(report):
        raise _damaged(report)
    return _progress_ms(progress)


def _damaged(report: str) -> MediaError:
    return MediaError(
        "This video is damaged or incomplete and cannot be played (was the upload cut short?).",
        detail=report[-1000:],
    )


def target_size(
    width: int, height: int, *, max_short_side: int = MAX_SHORT_SIDE
) -> tuple[int, int]:
    """Scale so the short side is at most ``max_short_side``; H.264 wants even sides."""
    scale = min(1.0, max_short_side / min(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _output_args(dest: Path | str) -> list[str]:
    # No location or device metadata from phones leaves the building.
    return ["-map_metadata", "-1", "-movflags", "+faststart", "-f", "mp4", "-y", str(dest)]


def remux(src: Path | str, dest: Path | str, *, container: str, timeout: float) -> None:
    """Copy the streams into an MP4 with the index first, so playback starts at once."""
    code, _, report = _run(
        [
            "-v",
            "error",
            *_input_args(src, container),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-c",
            "copy",
            *_output_args(dest),
        ],
        timeout=timeout,
    )
    if code != 0:
        raise _damaged(report)


def transcode(
    src: Path | str, dest: Path | str, *, probe: Probe, timeout: float, preset: str = "veryfast"
) -> int | None:
    """H.264 (yuv420p) + AAC in MP4, short side at most 720. Decoding errors on the way
    (a truncated or corrupt source) raise ``MediaError``. Returns the output duration."""
    width, height = target_size(probe.width, probe.height)
    audio = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"] if probe.audio_codec else ["-an"]
    code, progress, report = _run(
        [
            "-v",
            "error",
            "-xerror",
            *_input_args(src, probe.container),
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-vf",
            f"scale={width}:{height}:flags=bicubic,setsar=1,format=yuv420p",
            "-c:v",
            "libx264",
            "-preset",
            preset,
            "-crf",
            "23",
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            *audio,
            "-progress",
            "pipe:1",
            "-nostats",
            *_output_args(dest),
        ],
        timeout=timeout,
        stdout=subprocess.PIPE,
    )
    if code != 0 or _decode_errors(report):
        raise _damaged(report)
    return _progress_ms(progress)


def poster_at(duration_ms: int) -> float:
    """Where the poster frame comes from: about 1 s in, or 10 % into a short clip."""
    return round(min(1.0, duration_ms / 1000 * 0.1), 3)


def poster_jpeg(
    src: Path | str, *, at_seconds: float, timeout: float = 60, quality: int = 82
) -> bytes:
    """One frame as a JPEG (short side at most 720). Falls back to the first frame."""
    for seek in dict.fromkeys((at_seconds, 0.0)):
        _, png, _ = _run(
            [
                "-v",
                "error",
                "-ss",
                f"{seek:.3f}",
                *_input_args(src, "mp4"),
                "-frames:v",
                "1",
                "-f",
                "image2pipe",
                "-c:v",
                "png",
                "-",
            ],
            timeout=timeout,
            stdout=subprocess.PIPE,
        )
        if png:
            break
    else:
        raise MediaError("No frame of this video could be read for its cover image.")
    with Image.open(io.BytesIO(png)) as frame:
        image = frame.convert("RGB")
    width, height = target_size(image.width, image.height, max_short_side=POSTER_MAX_SHORT_SIDE)
    if (width, height) != image.size:
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue()
