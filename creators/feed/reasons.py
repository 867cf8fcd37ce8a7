"""Why a video was shown: a stable code for clients and a sentence for people."""

from __future__ import annotations

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


def as_dicts(reasons) -> list[dict[str, str]]:
    return [Reason(*r).as_dict() for r in reasons]
