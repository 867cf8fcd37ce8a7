"""A creator's videos: upload, processing, edits, removal.

The upload checks synchronously what is cheap to check (size, container magic bytes, a
header probe for duration, the tagged products) and stores nothing when a check fails.
What passes is stored and handed to Celery after commit; processing decodes the whole file,
makes a poster, converts to H.264/AAC MP4 at most 720p when needed, and publishes — or marks
the video failed with a reason for the creator and deletes what was stored.
"""

from __future__ import annotations

import logging
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shop.models import Product

from .. import media
from ..errors import (
    ProductNotAvailable,
    TooManyProducts,
    UnsupportedVideoFormat,
    VideoNotEditable,
    VideoTooLarge,
    VideoTooLong,
    VideoUnreadable,
)
from ..models import Creator, Video, VideoProduct, VideoStatus
from ..models.videos import media_path

log = logging.getLogger(__name__)

MAX_PRODUCTS = 6
MAX_HASHTAGS = 30
_HASHTAG = re.compile(r"[^\W_][\w]*", re.UNICODE)


def video_max_bytes() -> int:
    return getattr(settings, "VIDEO_MAX_BYTES", 200 * 1024 * 1024)


def video_max_seconds() -> int:
    return getattr(settings, "VIDEO_MAX_SECONDS", 10 * 60)


def _process_timeout() -> float:
    return getattr(settings, "VIDEO_PROCESS_TIMEOUT", 20 * 60)


def format_bytes(n: int) -> str:
    size = float(n)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
            return text.replace(".0 ", " ")
        size /= 1024
    raise AssertionError("unreachable")


def format_duration(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def hashtags_normalise(raw: str | Iterable[str]) -> str:
    """``"#Cooking, asmr #cooking"`` -> ``"cooking asmr"``: lower case, no '#', no repeats."""
    text = raw if isinstance(raw, str) else " ".join(raw)
    kept: list[str] = []
    length = 0
    for tag in dict.fromkeys(t.lower()[:50] for t in _HASHTAG.findall(text)):
        length += len(tag) + bool(kept)
        if len(kept) == MAX_HASHTAGS or length > 500:  # the column's size
            break
        kept.append(tag)
    return " ".join(kept)


def products_for_tagging(*, creator: Creator, product_ids: Iterable[int]) -> list[Product]:
    """The products in the order given, checked: at most six, all active in the market."""
    ids = list(dict.fromkeys(int(pk) for pk in product_ids))
    if len(ids) > MAX_PRODUCTS:
        raise TooManyProducts(f"Tag at most {MAX_PRODUCTS} products (you picked {len(ids)}).")
    found = Product.objects.visible_in(creator.market_id).in_bulk(ids)
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ProductNotAvailable(
            "Some of the products are not on sale in your market any more: pick others.",
            product_ids=missing,
        )
    return [found[pk] for pk in ids]


@contextmanager
def _upload_path(upload) -> Iterator[Path]:
    """A local path of an upload: its temporary file, or a copy of an in-memory one."""
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=".upload") as tmp:
        upload.seek(0)
        shutil.copyfileobj(upload, tmp)
        tmp.flush()
        yield Path(tmp.name)


def video_file_check(upload) -> tuple[str, media.Probe]:
    """The synchronous checks of an uploaded file. Returns its container and header probe."""
    max_bytes = video_max_bytes()
    if upload.size > max_bytes:
        raise VideoTooLarge(
            f"This video is {format_bytes(upload.size)}; the limit is {format_bytes(max_bytes)}."
        )
    if not upload.size:
        raise VideoUnreadable("The file is empty.")
    extension = PurePosixPath(upload.name or "").suffix.lower()
    if extension not in media.VIDEO_EXTENSIONS:
        raise UnsupportedVideoFormat(
            f"“{extension or 'no extension'}” files are not supported: upload an MP4, WebM "
            "or MOV video."
        )
    upload.seek(0)
    container = media.sniff_container(upload.read(16))
    upload.seek(0)
    if container is None:
        raise UnsupportedVideoFormat(
            "This file is not an MP4, WebM or MOV video, whatever its name says."
        )
    with _upload_path(upload) as path:
        try:
            probe = media.probe(path, container=container)
        except media.MediaError as exc:
            raise VideoUnreadable(exc.reason)
    max_seconds = video_max_seconds()
    if probe.duration_ms and probe.duration_ms > max_seconds * 1000:
        raise VideoTooLong(
            f"This video is {format_duration(probe.duration_ms / 1000)} long; the limit is "
            f"{format_duration(max_seconds)}."
        )
    return container, probe


def video_upload(
    *,
    creator: Creator,
    upload,
    caption: str = "",
    hashtags: str | Iterable[str] = "",
    product_ids: Iterable[int] = (),
) -> Video:
    """Store an upload as a processing video and queue its processing after commit."""
    from ..tasks.videos import video_process

    container, _ = video_file_check(upload)
    products = products_for_tagging(creator=creator, product_ids=product_ids)
    video = Video(
        creator=creator,
        market_id=creator.market_id,
        caption=caption.strip(),
        hashtags=hashtags_normalise(hashtags),
        category_id=products[0].category_id if products else None,
        status=VideoStatus.PROCESSING,
    )
    extension = ".mov" if container == "mov" else f".{container}"
    name = f"{secrets.token_hex(8)}{extension}"
    try:
        with transaction.atomic():
            video.save()
            video.source.save(name, File(upload), save=False)
            video.save(update_fields=["source"])
            VideoProduct.objects.bulk_create(
                VideoProduct(video=video, product=p, position=i)
                for i, p in enumerate(products, start=1)
            )
            transaction.on_commit(lambda: video_process.delay(video.pk))
    except BaseException:
        if video.source.name:
            video.source.storage.delete(video.source.name)
        raise
    return video


@contextmanager
def _local_copy(field_file) -> Iterator[Path]:
    """A local path of a stored file: its own path on a file system storage, else a copy
    (object stores)."""
    try:
        local = Path(field_file.storage.path(field_file.name))
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    suffix = PurePosixPath(field_file.name).suffix
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with field_file.storage.open(field_file.name, "rb") as stored:
            shutil.copyfileobj(stored, tmp, 1024 * 1024)
        tmp.flush()
        yield Path(tmp.name)


def _sniff_stored(field_file) -> str | None:
    with field_file.storage.open(field_file.name, "rb") as stored:
        return media.sniff_container(stored.read(16))


def _convert(src: Path, out: Path, container: str) -> tuple[int, int, int, bytes]:
    """Check, convert and make the poster. Returns duration, width, height, poster JPEG."""
    timeout = _process_timeout()
    probe = media.probe(src, container=container)
    max_seconds = video_max_seconds()
    too_long = VideoTooLong(
        f"This video is longer than {format_duration(max_seconds)}, the limit."
    ).message
    if probe.duration_ms and probe.duration_ms > max_seconds * 1000:
        raise media.MediaError(too_long)
    if probe.can_copy():
        decoded_ms = media.decode_check(src, container=container, timeout=timeout)
        media.remux(src, out, container=container, timeout=timeout)
    else:
        decoded_ms = media.transcode(src, out, probe=probe, timeout=timeout)
    duration_ms = probe.duration_ms or decoded_ms or 0
    if duration_ms <= 0:
        raise media.MediaError("This video has no frames to play.")
    if duration_ms > max_seconds * 1000:
        raise media.MediaError(too_long)
    result = media.probe(out, container="mp4")
    poster = media.poster_jpeg(out, at_seconds=media.poster_at(duration_ms))
    return duration_ms, result.width, result.height, poster


def video_process_source(*, video_id: int) -> Video | None:
    """Turn a processing video's source into its published file and poster, or mark it
    failed with the reason. Safe to run twice: a video no longer processing is left alone."""
    video = Video.objects.filter(pk=video_id).first()
    if video is None or video.status != VideoStatus.PROCESSING:
        return video
    if not video.source.name or not video.source.storage.exists(video.source.name):
        return video_fail(video_id=video.pk, reason="The uploaded file is missing: upload again.")
    container = _sniff_stored(video.source)
    if container is None:
        return video_fail(video_id=video.pk, reason=UnsupportedVideoFormat.default_message)
    try:
        with _local_copy(video.source) as src, tempfile.TemporaryDirectory() as work:
            out = Path(work) / "video.mp4"
            duration_ms, width, height, poster = _convert(src, out, container)
            storage = video.file.storage
            stem = secrets.token_hex(8)
            with out.open("rb") as converted:
                file_name = storage.save(media_path(video, f"{stem}.mp4"), File(converted))
            poster_name = storage.save(media_path(video, f"{stem}.jpg"), ContentFile(poster))
    except media.MediaError as exc:
        log.info("video %s failed: %s %s", video.pk, exc.reason, exc.detail[-300:])
        return video_fail(video_id=video.pk, reason=exc.reason)
    return _publish(
        video_id=video.pk,
        file_name=file_name,
        poster_name=poster_name,
        duration_ms=duration_ms,
        width=width,
        height=height,
    )


def _delete_on_commit(storage, names: Iterable[str | None]) -> None:
    stored = [n for n in names if n]
    if stored:
        transaction.on_commit(lambda: [storage.delete(n) for n in stored])


def _publish(
    *, video_id: int, file_name: str, poster_name: str, duration_ms: int, width: int, height: int
) -> Video | None:
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.status != VideoStatus.PROCESSING:
            # Removed (or finished by another worker) while we worked: drop our output.
            _delete_on_commit(Video._meta.get_field("file").storage, [file_name, poster_name])
            return video
        _delete_on_commit(video.source.storage, [video.source.name])
        video.source = ""
        video.file = file_name
        video.poster = poster_name
        video.duration_ms = duration_ms
        video.width = width
        video.height = height
        video.status = VideoStatus.PUBLISHED
        video.failure_reason = ""
        video.published_at = timezone.now()
        video.save(
            update_fields=[
                "source",
                "file",
                "poster",
                "duration_ms",
                "width",
                "height",
                "status",
                "failure_reason",
                "published_at",
            ]
        )
        Creator.objects.filter(pk=video.creator_id).update(video_count=F("video_count") + 1)
    return video


def video_fail(*, video_id: int, reason: str) -> Video | None:
    """Mark a processing video failed and delete whatever was stored for it."""
    with transaction.atomic():
        video = Video.objects.select_for_update().filter(pk=video_id).first()
        if video is None or video.status != VideoStatus.PROCESSING:
            return video
        _delete_on_commit(
            video.source.storage, [video.source.name, video.file.name, video.poster.name]
        )
        video.status = VideoStatus.FAILED
        video.failure_reason = reason[:300]
        video.source = video.file = video.poster = ""
        video.save(update_fields=["status", "failure_reason", "source", "file", "poster"])
    return video


def video_update(
    *,
    video: Video,
    caption: str | None = None,
    hashtags: str | Iterable[str] | None = None,
    product_ids: Iterable[int] | None = None,
) -> Video:
    """The creator's edits: caption, hashtags and tagged products."""
    if video.status == VideoStatus.REMOVED:
        raise VideoNotEditable()
    fields = []
    if caption is not None:
        video.caption = caption.strip()
        fields.append("caption")
    if hashtags is not None:
        video.hashtags = hashtags_normalise(hashtags)
        fields.append("hashtags")
    products = None
    if product_ids is not None:
        products = products_for_tagging(creator=video.creator, product_ids=product_ids)
        video.category_id = products[0].category_id if products else None
        fields.append("category")
    with transaction.atomic():
        if products is not None:
            VideoProduct.objects.filter(video=video).delete()
            VideoProduct.objects.bulk_create(
                VideoProduct(video=video, product=p, position=i)
                for i, p in enumerate(products, start=1)
            )
        if fields:
            # save() rather than update(): receivers (feed cards) hear about the change.
            video.save(update_fields=fields)
    return video


def video_remove(*, video: Video) -> Video:
    """Take a video down (its creator or moderation): the row stays for the attribution
    and commission history, the files go."""
    with transaction.atomic():
        locked = Video.objects.select_for_update().get(pk=video.pk)
        if locked.status == VideoStatus.REMOVED:
            return locked
        if locked.status == VideoStatus.PUBLISHED:
            Creator.objects.filter(pk=locked.creator_id, video_count__gt=0).update(
                video_count=F("video_count") - 1
            )
        _delete_on_commit(
            locked.file.storage, [locked.source.name, locked.file.name, locked.poster.name]
        )
        locked.status = VideoStatus.REMOVED
        locked.source = locked.file = locked.poster = ""
        locked.save(update_fields=["status", "source", "file", "poster"])
    return locked
