"""/media/ answers HTTP range requests, so browsers can seek in videos."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from marketplace.media_views import parse_range

DATA = bytes(range(256)) * 40  # 10 240 bytes
SIZE = len(DATA)


@pytest.fixture
def video_url():
    name = default_storage.save("videos/1/clip.mp4", ContentFile(DATA))
    return f"/media/{name}"


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def test_whole_file_advertises_ranges(client, video_url):
    response = client.get(video_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(SIZE)
    assert "ETag" in response and "Last-Modified" in response
    assert _body(response) == DATA


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=100-", 100, SIZE - 1),
        ("bytes=-50", SIZE - 50, SIZE - 1),
        ("bytes=10000-99999", 10000, SIZE - 1),  # the end is clipped to the file
        ("bytes=-99999", 0, SIZE - 1),
        (f"bytes={SIZE - 1}-{SIZE - 1}", SIZE - 1, SIZE - 1),
    ],
)
def test_partial_content(client, video_url, header, start, end):
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"
    assert _body(response) == DATA[start : end + 1]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", f"bytes={SIZE + 5}-{SIZE + 10}", "bytes=-0"])
def test_unsatisfiable_range_is_416(client, video_url, header):
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"


@pytest.mark.parametrize("header", ["bytes=abc", "items=0-5", "bytes=0-5,10-20", "bytes=9-3"])
def test_malformed_or_multiple_ranges_get_the_whole_file(client, video_url, header):
    response = client.get(video_url, HTTP_RANGE=header)
    assert response.status_code == 200
    assert _body(response) == DATA


def test_if_range(client, video_url):
    etag = client.get(video_url)["ETag"]
    current = client.get(video_url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert current.status_code == 206 and _body(current) == DATA[:10]
    stale = client.get(video_url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200 and _body(stale) == DATA


def test_conditional_get_and_head(client, video_url):
    etag = client.get(video_url)["ETag"]
    assert client.get(video_url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    head = client.head(video_url, HTTP_RANGE="bytes=0-9")
    assert head.status_code == 206 and head["Content-Length"] == "10" and head.content == b""
    assert client.post(video_url).status_code == 405


def test_missing_and_escaping_paths_are_404(client, video_url):
    assert client.get("/media/videos/1/nope.mp4").status_code == 404
    assert client.get("/media/videos/").status_code == 404
    assert client.get("/media/../settings.py").status_code == 404
    assert client.get("/media/%2e%2e/%2e%2e/etc/passwd").status_code == 404


def test_uploaded_html_is_never_rendered_inline(client):
    name = default_storage.save("avatars/x/evil.html", ContentFile(b"<script>alert(1)</script>"))
    response = client.get(f"/media/{name}")
    assert response["Content-Disposition"] == "attachment"
    poster = default_storage.save("videos/1/poster.jpg", ContentFile(b"\xff\xd8\xff"))
    response = client.get(f"/media/{poster}")
    assert response["Content-Type"] == "image/jpeg" and "Content-Disposition" not in response


def test_parse_range():
    assert parse_range("", 100) is None
    assert parse_range("bytes=0-0", 100) == (0, 0)
    assert parse_range("bytes=-1", 100) == (99, 99)
    assert parse_range("bytes=50-", 100) == (50, 99)
    assert parse_range("bytes=100-", 100) is False
    assert parse_range("bytes=-5", 0) is False
    assert parse_range("bytes=-", 100) is None
