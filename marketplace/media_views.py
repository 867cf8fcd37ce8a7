"""Serving user media from Django's storage with HTTP range requests.

Browsers seek in a video by asking for byte ranges (Safari will not even play a video whose
server ignores them), so ``/media/`` answers ``Range: bytes=...`` with 206 Partial Content,
and unsatisfiable ranges with 416. Files stream from ``default_storage`` in blocks, so any
storage backend works; a file system storage is read straight from disk.

Used when ``SERVE_MEDIA`` is on; in production a web server or the object store usually
serves ``MEDIA_URL`` instead.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import re
from email.utils import formatdate, parsedate_to_datetime
from typing import Literal

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe

BLOCK_SIZE = 64 * 1024
MAX_AGE = 3600
# Types a browser may render inline; anything else is offered as a download, so an
# uploaded HTML or SVG file can never run script on our origin.
INLINE_TYPES = re.compile(r"^(video/|audio/|image/(jpeg|png|webp|gif|avif)$)")
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")

mimetypes.add_type("video/mp4", ".mp4")
mimetypes.add_type("video/webm", ".webm")
mimetypes.add_type("video/quicktime", ".mov")
mimetypes.add_type("image/webp", ".webp")


class _RangeFile:
    """A window of a file, read in blocks; no ``fileno`` so a server cannot sendfile the
    whole file instead of the range."""

    def __init__(self, file, start: int, length: int):
        self._file = file
        self._left = length
        file.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        size = self._left if size is None or size < 0 else min(size, self._left)
        data = self._file.read(size)
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


def parse_range(header: str, size: int) -> tuple[int, int] | None | Literal[False]:
    """The single byte range ``(start, end)`` (inclusive) a Range header asks for.

    ``None`` when the header is absent, malformed or asks for several ranges (the whole
    file is sent then, as RFC 9110 allows); ``False`` when it cannot be satisfied.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if first == "":  # the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return False
        return max(0, size - suffix), size - 1
    start = int(first)
    if last and int(last) < start:
        return None  # syntactically invalid: ignore it
    if start >= size:
        return False
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


def _clean_path(path: str) -> str:
    normal = posixpath.normpath(path).lstrip("/")
    if normal in ("", ".") or normal.startswith("..") or "\\" in path or "\x00" in path:
        raise Http404("No such file.")
    return normal


def _stat(name: str) -> tuple[int, float | None]:
    """Size and modification time, from one ``stat`` on a file system storage."""
    try:
        local = default_storage.path(name)
    except NotImplementedError:
        local = None
    except SuspiciousFileOperation:
        raise Http404("No such file.")
    if local is not None:
        try:
            st = os.stat(local)
        except OSError:
            raise Http404("No such file.")
        if not os.path.isfile(local):
            raise Http404("No such file.")
        return st.st_size, st.st_mtime
    if not default_storage.exists(name):
        raise Http404("No such file.")
    try:
        modified = default_storage.get_modified_time(name).timestamp()
    except (NotImplementedError, AttributeError):
        modified = None
    return default_storage.size(name), modified


def _not_modified(request, etag: str, mtime: float | None) -> bool:
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        return etag in [t.strip() for t in if_none_match.split(",")] or if_none_match == "*"
    since = request.headers.get("If-Modified-Since")
    if since and mtime is not None:
        try:
            return int(mtime) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def _range_applies(request, etag: str, last_modified: str | None) -> bool:
    """``If-Range``: honour the range only if the client's copy is still current."""
    if_range = request.headers.get("If-Range")
    if not if_range:
        return True
    return if_range == etag or (last_modified is not None and if_range == last_modified)


@require_safe
def serve_media(request, path: str):
    name = _clean_path(path)
    size, mtime = _stat(name)
    etag = f'"{size:x}-{int(mtime or 0):x}"'
    last_modified = formatdate(mtime, usegmt=True) if mtime is not None else None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": f"public, max-age={MAX_AGE}",
    }
    if last_modified:
        headers["Last-Modified"] = last_modified
    if not INLINE_TYPES.match(content_type):
        headers["Content-Disposition"] = "attachment"
    if _not_modified(request, etag, mtime):
        not_modified = HttpResponseNotModified()
        for key in ("ETag", "Last-Modified", "Cache-Control"):
            if key in headers:
                not_modified[key] = headers[key]
        return not_modified

    wanted = request.headers.get("Range", "")
    byte_range = parse_range(wanted, size) if _range_applies(request, etag, last_modified) else None
    if byte_range is False:
        unsatisfiable = HttpResponse(status=416, content_type=content_type)
        unsatisfiable["Content-Range"] = f"bytes */{size}"
        unsatisfiable["Accept-Ranges"] = "bytes"
        return unsatisfiable
    start, end = byte_range if byte_range else (0, size - 1)
    length = max(0, end - start + 1)
    status = 206 if byte_range else 200
    response: HttpResponseBase
    if request.method == "HEAD":
        response = HttpResponse(status=status, content_type=content_type)
    else:
        try:
            stored = default_storage.open(name, "rb")
        except (FileNotFoundError, SuspiciousFileOperation):
            raise Http404("No such file.")
        body = _RangeFile(stored, start, length) if byte_range else stored
        streamed = FileResponse(body, status=status, content_type=content_type)
        streamed.block_size = BLOCK_SIZE
        response = streamed
    if "Content-Disposition" not in headers and response.has_header("Content-Disposition"):
        del response["Content-Disposition"]  # FileResponse's "inline; filename=<path>"
    for key, value in headers.items():
        response[key] = value
    response["Content-Length"] = str(length)
    if byte_range:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response
