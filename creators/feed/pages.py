"""One page of a feed: ids from the mode's source, cards from the cache, the viewer's
marks laid over them. Every mode costs a constant number of queries, whatever the page
size: For You and Popular read precomputed pools and session state from the store, Newest
and Following one keyset query; cards are one cache read (one query on misses).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..models import FeedMode
from . import cards as C
from . import following as F
from . import pools, store
from . import reasons as R
from .cursors import CursorExpired, decode, encode
from .keyset import keyset_rows, position_of
from .viewer import ViewerState, viewer_key, viewer_state_from

MAX_PAGE_SIZE = 30
DEFAULT_PAGE_SIZE = 10
FOLLOWING = "following"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


@dataclass
class FeedPage:
    mode: str
    items: list[dict] = field(default_factory=list)
    cursor: str | None = None


@dataclass
class _Entry:
    id: int
    creator_id: int
    reasons: list


def _viewer_id(state: ViewerState | None) -> int:
    return state.user_id if state else 0


def _items(
    entries: list[_Entry], state: ViewerState | None, cards: dict | None = None
) -> list[dict]:
    if cards is None:
        cards = C.cards_get([e.id for e in entries])
    liked = state.liked if state else set()
    following = state.following if state else set()
    out = []
    for e in entries:
        card = cards.get(e.id)
        if card is None:  # removed or unpublished since it was ranked
            continue
        out.append(
            C.overlay(
                card,
                reasons=R.as_dicts(e.reasons),
                liked=e.id in liked,
                following=card["creator"]["id"] in following,
            )
        )
    return out


# ---------- Newest and Following: keyset on (published_at, id) ----------


def _keyset_page(*, mode, state, cursor, size, reason, **filters) -> FeedPage:
    uid = _viewer_id(state)
    position = decode(cursor, mode=mode, viewer_id=uid)["p"] if cursor else None
    rows = keyset_rows(position=position, limit=size + 1, **filters)
    more, rows = len(rows) > size, rows[:size]
    entries = [_Entry(r[0], r[1], [x for x in (reason(r),) if x]) for r in rows]
    token = encode({"m": mode, "u": uid, "p": position_of(rows[-1])}) if more and rows else None
    return FeedPage(mode=mode, items=_items(entries, state), cursor=token)


def page_newest(*, state, market_code: str, cursor: str | None, size: int) -> FeedPage:
    return _keyset_page(
        market=market_code,
        mode=FeedMode.NEWEST,
        state=state,
        cursor=cursor,
        size=size,
        reason=lambda r: R.newest_in(market_code),
    )


def page_following(*, user_id: int, cursor: str | None, size: int) -> FeedPage:
    """Newest videos of the followed creators: from the creators' lists in Redis with
    the viewer's state and the page's card stamps, in one round trip (``following.read``), else
    the keyset query with the follows joined in SQL and one cache read."""
    position = decode(cursor, mode=FOLLOWING, viewer_id=user_id)["p"] if cursor else None
    at = ""
    if position:
        at = F.member((datetime.fromisoformat(position[0]) - _EPOCH) // _US, position[1])
    got = F.read(user_id, viewer_key(user_id), at, size + 1)
    raw_state, rows = (got[0], got[1]) if got else (None, None)
    if rows is not None:
        rows = [(vid, 0, us) for vid, us in rows]
        more, rows = len(rows) > size, rows[:size]
        ids = [r[0] for r in rows]
        cards = C.cards_from_stamps(ids, got[2][:size])
    else:
        rows = keyset_rows(position=position, limit=size + 1, follower=user_id)
        more, rows = len(rows) > size, rows[:size]
        ids = [r[0] for r in rows]
        keys = C.card_keys(ids) if raw_state else [viewer_key(user_id), *C.card_keys(ids)]
        raw = store.kv_get_many(keys)
        raw_state, raw_cards = (raw_state, raw) if raw_state else (raw[0], raw[1:])
        cards = C.cards_from(ids, raw_cards)
    state = viewer_state_from(user_id, raw_state)
    entries = [_Entry(r[0], r[1], []) for r in rows]
    items = _items(entries, state, cards)
    fresh_after = (time.time() - 3 * 86400) * 1_000_000
    fresh = {r[0] for r in rows if r[2] >= fresh_after}
    for item in items:  # the handle comes with the card
        handle = item["creator"]["handle"]
        reason = R.new_from(handle) if item["id"] in fresh else R.follows(handle)
        item["reasons"] = R.as_dicts([reason])
    token = None
    if more and rows:
        token = encode({"m": FOLLOWING, "u": user_id, "p": position_of(rows[-1])})
    return FeedPage(mode=FOLLOWING, items=items, cursor=token)


# ---------- Popular: a pool version, then a keyset over the rest ----------


def page_popular(*, state, market_code: str, cursor: str | None, size: int) -> FeedPage:
    """The market's popular pool as built when the session began, then every other video
    published before it began, newest first: the whole market, each video once.

    Cursor fields: ``v`` pool version, ``o`` offset in it, ``t0`` session start, ``p``
    keyset position past the pool (None while still in the pool, [] at its end).
    """
    uid = _viewer_id(state)
    if cursor:
        c = decode(cursor, mode=FeedMode.POPULAR, viewer_id=uid)
    else:
        version = store.pools_version(market_code)
        c = {"v": version, "o": 0, "t0": time.time(), "p": None if version else []}
    entries: list[_Entry] = []
    if c["p"] is None:
        info, got = store.pools_read(
            market=market_code, version=c["v"], slices={"popular": (c["o"], c["o"] + size)}
        )
        if info is None and cursor:
            raise CursorExpired()
        if info is None:  # the pools vanished (flushed): the market, newest first
            c["v"] = None
        pool = got.get("popular", [])
        entries = [_Entry(p.id, p.creator_id, [R.popular_in(market_code)]) for p in pool]
        c["o"] += len(pool)
        if len(pool) < size:
            c["p"] = []
    more = True
    if c["p"] is not None and len(entries) < size:
        pool_ids = _pool_ids(market_code, c["v"]) if c["v"] else frozenset()
        want = size - len(entries)
        started = datetime.fromtimestamp(c["t0"], tz=UTC)
        # Usually one short read fills the page; if the pool's videos crowd it, a second
        # read sized to skip them all is certain to.
        for limit in (2 * want + 20, want + len(pool_ids) + 1):
            rows = keyset_rows(position=c["p"], limit=limit, market=market_code, until=started)
            fresh = [r for r in rows if r[0] not in pool_ids]
            picked = fresh[:want]
            if picked:
                c["p"] = position_of(picked[-1])
            elif rows:
                c["p"] = position_of(rows[-1])
            entries += [_Entry(r[0], r[1], [R.newest_in(market_code)]) for r in picked]
            want -= len(picked)
            more = len(fresh) > len(picked) or len(rows) == limit
            if not want or not more:
                break
    token = None
    if entries and more:
        token = encode(
            {"m": FeedMode.POPULAR, "u": uid, **{k: c[k] for k in ("v", "o", "t0", "p")}}
        )
    return FeedPage(mode=FeedMode.POPULAR, items=_items(entries, state), cursor=token)


_pool_id_memo: dict[tuple[str, str, str], frozenset[int]] = {}


def _pool_ids(market_code: str, version: str) -> frozenset[int]:
    """Every id in a popular pool version (read once per process and version)."""
    key = (store.prefix(), market_code, version)
    ids = _pool_id_memo.get(key)
    if ids is None:
        _, got = store.pools_read(
            market=market_code, version=version, slices={"popular": (0, pools.POPULAR_N)}
        )
        ids = frozenset(p.id for p in got.get("popular", []))
        if len(_pool_id_memo) > 32:
            _pool_id_memo.clear()
        _pool_id_memo[key] = ids
    return ids
