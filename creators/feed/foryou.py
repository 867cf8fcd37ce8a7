"""The For You feed: ranked per viewer in batches, paged from server-side session state.

The first page ranks a batch (``GENERATE`` picks) from the pools and stores it under a
random session id; the cursor is that id and an offset, signed. Later pages slice the
stored list and rank another batch when it runs out, excluding everything already in
the session, so pages never repeat or skip an item, however many videos are published
meanwhile. "Not interested" takes effect on the very next page: items by a creator the
viewer has since hidden are passed over when slicing.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import UTC, datetime

from ..models import FeedMode
from . import pools, store
from . import reasons as R
from .cursors import CursorExpired, decode, encode
from .pages import FeedPage, _Entry, _items, _keyset_rows, _position, _published
from .ranking import EXPLORE_SHARE, RankContext, rank
from .viewer import ViewerState

GENERATE = 30
SESSION_MAX_IDS = 1500  # a longer session forgets its oldest ids; seen history covers them


def _new_session(market_code: str, rng: random.Random) -> dict:
    return {
        "mk": market_code,
        "ids": [],
        "c": [],  # creator of each id, for "not interested" filtering
        "r": [],  # reasons of each id
        "base": 0,  # absolute position of ids[0]
        # Exploration credit, randomly phased per session; below 1 - share so the very
        # first video is never an exploration pick.
        "credit": rng.random() * (1 - EXPLORE_SHARE),
        "seed": rng.getrandbits(32),
        "t0": time.time(),
        "tail": [],  # keyset position once the pools are exhausted
        "end": False,
    }


def _append(sess: dict, vid: int, creator_id: int, reasons) -> None:
    sess["ids"].append(vid)
    sess["c"].append(creator_id)
    sess["r"].append([list(r) for r in reasons])


def _extend(sess: dict, state: ViewerState, market_code: str, need: int) -> None:
    """Rank another batch into the session; past the pools, continue by keyset."""
    count = max(GENERATE, need)
    absolute = sess["base"] + len(sess["ids"])
    rng = random.Random(f"{sess['seed']}:{absolute}")
    exclude = set(sess["ids"])
    _, info, candidates = pools.read_for_viewer(
        market_code=market_code, viewer=state.viewer, rng=rng
    )
    ctx = RankContext(
        market=market_code,
        category_names={int(k): v for k, v in (info.get("categories") or {}).items()},
        now=time.time(),
    )
    picks, sess["credit"] = rank(
        candidates,
        state.viewer,
        count=count,
        exclude=exclude,
        rng=rng,
        ctx=ctx,
        credit=sess["credit"],
    )
    for p in picks:
        _append(sess, p.id, p.creator_id, p.reasons)
        exclude.add(p.id)
    missing = count - len(picks)
    if missing > 0:
        # Every candidate in the pools has been shown: carry on through the rest of the
        # market, newest first, from when the session began.
        started = datetime.fromtimestamp(sess["t0"], tz=UTC)
        qs = _published(market_code).filter(published_at__lte=started)
        rows = _keyset_rows(qs, sess["tail"], missing + len(exclude) + 1)
        fresh = [r for r in rows if r[0] not in exclude]
        taken = fresh[:missing]
        for row in taken:
            _append(sess, row[0], row[1], [R.newest_in(market_code)])
        if taken:
            sess["tail"] = _position(taken[-1])
        if len(fresh) <= missing:
            sess["end"] = True


def page_for_you(
    *,
    state: ViewerState,
    market_code: str,
    cursor: str | None,
    size: int,
    start_video: int | None = None,
) -> FeedPage:
    uid = state.user_id
    if cursor:
        c = decode(cursor, mode=FeedMode.FOR_YOU, viewer_id=uid)
        sid, pos = c["s"], c["o"]
        sess = store.session_get(sid)
        if sess is None:
            raise CursorExpired()
        dirty = False
    else:
        sid, pos = secrets.token_urlsafe(12), 0
        sess = _new_session(market_code, random.Random(secrets.randbits(64)))
        if start_video:
            _append(sess, start_video, 0, [R.shared_link()])
        dirty = True
    hidden = state.viewer.hidden_creators
    entries: list[_Entry] = []
    pos = max(pos, sess["base"])
    while len(entries) < size:
        k = pos - sess["base"]
        if k >= len(sess["ids"]):
            if sess["end"]:
                break
            before = len(sess["ids"])
            _extend(sess, state, sess["mk"], size - len(entries))
            dirty = True
            if len(sess["ids"]) == before:
                sess["end"] = True
                break
            continue
        pos += 1
        if sess["c"][k] in hidden:
            continue
        entries.append(_Entry(sess["ids"][k], sess["c"][k], [tuple(r) for r in sess["r"][k]]))
    if dirty:
        overflow = len(sess["ids"]) - SESSION_MAX_IDS
        drop = min(max(overflow, 0), pos - sess["base"])
        if drop > 0:
            for key in ("ids", "c", "r"):
                del sess[key][:drop]
            sess["base"] += drop
        store.session_set(sid, sess)
    exhausted = sess["end"] and pos - sess["base"] >= len(sess["ids"])
    token = None
    if entries and not exhausted:
        token = encode({"m": FeedMode.FOR_YOU, "u": uid, "s": sid, "o": pos})
    return FeedPage(mode=FeedMode.FOR_YOU, items=_items(entries, state), cursor=token)
