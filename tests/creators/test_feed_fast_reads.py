"""Feed pages for token clients answered before DRF (``creators.feed.fast_reads``): the
same status, body and headers as DRF's answer; everything else still goes through DRF."""

from __future__ import annotations

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from creators.feed import fast_reads
from creators.models import Follow
from tests.creators.feed_support import fill, viewer

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@pytest.fixture
def drf_calls(monkeypatch):
    """How many requests reached DRF's request handling."""
    calls = []
    original = APIView.initialize_request

    def counted(self, request, *args, **kwargs):
        calls.append(request.path)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "initialize_request", counted)
    return calls


def answers(client, url, monkeypatch, **extra):
    """(fast answer, DRF answer) to the same request."""
    fast = client.get(url, **extra)
    with monkeypatch.context() as m:
        m.setattr(fast_reads, "token_viewer", lambda request: None)
        slow = client.get(url, **extra)
    return fast, slow


def same(fast, slow):
    """Same status, headers and body; a cursor is signed when it is made, so two cursors
    for the same position differ in their signature only."""
    assert fast.status_code == slow.status_code
    a_headers, b_headers = dict(fast.headers), dict(slow.headers)
    if "Content-Length" in a_headers:  # differs with the cursor's signature
        assert int(a_headers.pop("Content-Length")) == len(fast.content)
        assert int(b_headers.pop("Content-Length")) == len(slow.content)
    assert a_headers == b_headers
    assert "Allow" in a_headers and a_headers["Content-Type"] == "application/json"
    if fast.status_code != 200 or fast["Content-Type"] != "application/json":
        assert fast.content == slow.content
        return
    a, b = json.loads(fast.content), json.loads(slow.content)  # not .json(): it is cached
    assert (a["cursor"] is None) == (b["cursor"] is None)
    assert (a["next"] is None) == (b["next"] is None)
    if a["cursor"]:
        assert replace_query_param(a["next"], "cursor", "C") == replace_query_param(
            b["next"], "cursor", "C"
        )
    for body in (a, b):
        body["cursor"] = body["next"] = None
    assert a == b
    assert list(a) == ["mode", "next", "cursor", "results"]


@pytest.mark.parametrize("mode", ["popular", "newest"])
def test_pages_match_drfs_answer_page_after_page(world, monkeypatch, drf_calls, mode):
    fill(world, n=12)
    client = token_client(viewer(world))
    url, pages = f"/api/feed/?mode={mode}&page_size=5", 0
    while url:
        fast, slow = answers(client, url, monkeypatch)
        assert fast.status_code == 200
        same(fast, slow)
        url, pages = fast.json()["next"], pages + 1
    assert pages == 3
    assert len(drf_calls) == pages  # only the DRF halves of each pair


def test_following_pages_match_drfs_answer(world, monkeypatch, drf_calls):
    videos = fill(world, n=12, creators=3)
    me = viewer(world)
    for creator in world.creators[:2]:
        Follow.objects.create(follower=me, creator=creator)
    client = token_client(me)
    url, seen = "/api/feed/following/?page_size=3", []
    while url:
        fast, slow = answers(client, url, monkeypatch)
        assert fast.status_code == 200
        same(fast, slow)
        seen += [i["id"] for i in fast.json()["results"]]
        url = fast.json()["next"]
    assert len(seen) == len([v for v in videos if v.creator in world.creators[:2]]) > 0
    assert len(drf_calls) == len(seen) // 3 + (1 if len(seen) % 3 else 0)


def test_for_you_first_page_has_drfs_status_and_headers(world, monkeypatch, drf_calls):
    fill(world, n=12)
    client = token_client(viewer(world))
    fast, slow = answers(client, "/api/feed/?page_size=4", monkeypatch)
    assert fast.status_code == slow.status_code == 200
    a_headers, b_headers = dict(fast.headers), dict(slow.headers)
    assert int(a_headers.pop("Content-Length")) == len(fast.content)
    assert int(b_headers.pop("Content-Length")) == len(slow.content)
    assert a_headers == b_headers
    assert fast.json().keys() == slow.json().keys()
    assert fast.json()["mode"] == slow.json()["mode"] == "foryou"
    assert len(fast.json()["results"]) == len(slow.json()["results"]) == 4
    assert len(drf_calls) == 1


@pytest.mark.parametrize(
    ("url", "extra", "status", "code"),
    [
        ("/api/feed/?cursor=not-a-cursor", {}, 400, "invalid_cursor"),
        ("/api/feed/following/?cursor=not-a-cursor", {}, 400, "invalid_cursor"),
        ("/api/feed/", {"HTTP_AUTHORIZATION": "Token nope"}, 401, None),
        ("/api/feed/following/", {"HTTP_AUTHORIZATION": "Token nope"}, 401, None),
        ("/api/feed/following/", {"HTTP_AUTHORIZATION": "Token a b"}, 401, None),
        ("/api/feed/following/", {"HTTP_AUTHORIZATION": "Bearer x"}, 401, None),
        ("/api/feed/?mode=popular", {"HTTP_ACCEPT": "text/html"}, 200, None),
        ("/api/feed/?mode=popular&format=json", {}, 200, None),
    ],
)
def test_everything_else_goes_through_drf(world, monkeypatch, drf_calls, url, extra, status, code):
    fill(world, n=3)
    client = token_client(viewer(world))
    fast, slow = answers(client, url, monkeypatch, **extra)
    same(fast, slow)
    assert fast.status_code == status
    if status >= 400:
        assert fast.json()["code"] == (code or fast.json()["code"])
        assert "detail" in fast.json()
    assert len(drf_calls) == 2  # both halves went through DRF
