"""Why a video was shown: a stable code for clients and a sentence for people."""

from __future__ import annotations

import json
from typing import NamedTuple


class Reason(NamedTuple):
    code: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


def watched_category(name: str) -> Reason:
    return Reason("category", f"Because you watched {name.lower()} videos")


def watched_creator(handle: str) -> Reason:
    return Reason("creator", f"Because you watched @{handle}")


def new_from(handle: str) -> Reason:
    return Reason("following_new", f"New from @{handle}")


def follows(handle: str) -> Reason:
    return Reason("following", f"Because you follow @{handle}")


def popular_in(market: str) -> Reason:
    return Reason("popular", f"Popular in {market}")


def newest_in(market: str) -> Reason:
    return Reason("newest", f"New in {market}")


def something_new() -> Reason:
    return Reason("explore", "Something new for you")


def seen_again() -> Reason:
    return Reason("seen_again", "You've seen everything new, so here it is again")


def shared_link() -> Reason:
    return Reason("shared", "Opened from a link")


class Reasons(list):
    """Reasons as clients get them (dicts), remembering the pairs they were made from so
    their JSON can be reused (``as_json``)."""

    __slots__ = ("key",)


def as_dicts(reasons) -> Reasons:
    key = tuple(tuple(r) for r in reasons)
    out = Reasons({"code": code, "text": text} for code, text in key)
    out.key = key
    return out


# The same few reason lists come up on page after page: each worker encodes each once.
_json: dict[tuple, str] = {}


def as_json(reasons: list[dict[str, str]]) -> str:
    """Compact JSON of ``as_dicts``' result (any list of reason dicts works)."""
    key = getattr(reasons, "key", None)
    text = _json.get(key) if key is not None else None
    if text is None:
        text = json.dumps(list(reasons), separators=(",", ":"), ensure_ascii=False)
        if key is not None:
            if len(_json) > 20_000:
                _json.clear()
            _json[key] = text
    return text
