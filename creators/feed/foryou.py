"""The For You feed: ranked per viewer in batches, served from a stored queue.

Ranking happens when a viewer's queue runs short, a batch (``GENERATE`` picks) at a time,
never per page: most pages are one Redis call for their slice (``creators.feed.sessions``)
and one for their cards. The cursor is the session id and a position, signed; later
pages never repeat or skip an item however many videos are published meanwhile, because
each batch excludes everything already in the session. A reload continues the viewer's
queue from what was last served (for ``REUSE_S``), so it shows new videos, not the same
ones. "Not interested" takes effect on the very next page: items by a creator the viewer
has since hidden are passed over.
"""

from __future__ import annotations

import random
import secrets
import time
from datetime import UTC, datetime

from ..models import FeedMode
from . import pools, sessions
from . import reasons as R
from .cards import cards_ensure, cards_from_stamps
from .cursors import CursorExpired, decode, encode
from .keyset import keyset_rows, position_of
from .pages import FeedPage, _Entry, _items
from .ranking import EXPLORE_SHARE, RankContext, rank
from .viewer import ViewerState, viewer_key, viewer_state_from

GENERATE = 120  # a batch costs ~6 round trips and a query, whatever its size: rarer is cheaper
LOW_WATER = 20  # entries left after a page under which the next batch is ranked
REUSE_S = 600  # a first page within this long of the last continues the same queue
LOCK_WAIT_S = 0.02
LOCK_TRIES = 25


def _meta_new(market_code: str) -> dict:
    rng = random.Random(secrets.randbits(64))
    return {
        "mk": market_code,
        # Exploration credit, randomly phased per session; below 1 - share so the very
        # first video is never an exploration pick.
        "credit": rng.random() * (1 - EXPLORE_SHARE),
        "seed": rng.getrandbits(32),
        "gen": 0,
        "t0": time.time(),
        "tail": [],  # keyset position once the pools are exhausted
        "end": False,
    }


def _rank_batch(meta: dict, state: ViewerState, exclude: set[int], count: int) -> list[list]:
    """The next ``count`` entries ``[id, creator, reasons]`` (reasons a tuple of
    ``Reason``); past the pools, by keyset."""
    market_code = meta["mk"]
    rng = random.Random(f"{meta['seed']}:{meta['gen']}")
    meta["gen"] += 1
    _, info, candidates = pools.read_for_viewer(
        market_code=market_code, viewer=state.viewer, rng=rng
    )
    ctx = RankContext(
        market=market_code,
        category_names={int(k): v for k, v in (info.get("categories") or {}).items()},
        now=time.time(),
    )
    picks, meta["credit"] = rank(
        candidates,
        state.viewer,
        count=count,
        exclude=exclude,
        rng=rng,
        ctx=ctx,
        credit=meta["credit"],
    )
    entries: list[list] = [[p.id, p.creator_id, p.reasons] for p in picks]
    missing = count - len(entries)
    if missing > 0:
        # Every candidate in the pools has been shown: carry on through the rest of the
        # market, newest first, from when the session began.
        taken = {e[0] for e in entries} | exclude
        started = datetime.fromtimestamp(meta["t0"], tz=UTC)
        reasons = (R.newest_in(market_code),)
        # One keyset read per batch: rows already in the session are few (most of them
        # came from the pools), and a short batch just means the next one reads on.
        limit = 2 * missing + 20
        rows = keyset_rows(position=meta["tail"], limit=limit, market=market_code, until=started)
        last = None
        for row in rows:
            last = row
            if row[0] not in taken:
                entries.append([row[0], row[1], reasons])
                missing -= 1
                if not missing:
                    break
        if last is not None:
            meta["tail"] = position_of(last)
        if len(rows) < limit and missing:
            meta["end"] = True
    # Cards for everything queued, now, so the pages that serve them find them warm
    # (pool candidates' cards are built with the pools; the tail's are not).
    cards_ensure([e[0] for e in entries])
    return entries


def _can_grow(sl: sessions.Slice) -> bool:
    return not sl.meta["end"] and sl.length < sessions.MAX_ENTRIES


def _extend(sl: sessions.Slice, state: ViewerState, size: int):
    """Rank the next batch into the session if no other request is doing it: the new
    slice, None when another request holds the lock. Three round trips: take the lock
    (with the session's meta and ids), read the pools, append + release + re-read."""
    begun = sessions.extend_begin(sl.sid)
    if begun == sessions.EXPIRED:
        raise CursorExpired()
    if begun is None:
        return None
    meta, length, exclude = begun
    # If another request extended it meanwhile, just re-read (and release the lock).
    batch = [] if length > sl.length else _rank_batch(meta, state, exclude, GENERATE)
    return sessions.extend_commit(sl.sid, batch, meta, sl.start, size)


def _fill(sl: sessions.Slice, state: ViewerState, size: int) -> sessions.Slice:
    """The slice with ``size`` entries, ranking more into the session if it ran short.

    The request that finds fewer than ``LOW_WATER`` entries left after its own slice
    ranks the next batch while the queue still has some, so concurrent pages (tabs, API
    clients) rarely wait for a ranking; one that finds the queue empty waits for the
    lock holder or ranks itself.
    """
    tries = 0
    while len(sl.entries) < size and _can_grow(sl):
        grown = _extend(sl, state, size)
        if grown is not None:
            sl = grown
            continue
        tries += 1  # another request is ranking this session's next batch
        if tries > LOCK_TRIES:
            break
        time.sleep(LOCK_WAIT_S)
        sl = sessions.read(sl.sid, sl.start, size) or sl
    if sl.length - (sl.start + size) < LOW_WATER and _can_grow(sl):
        sl = _extend(sl, state, size) or sl
    return sl


_UNCLAIMED = object()


def _start(state: ViewerState, market_code: str, size: int, sl=_UNCLAIMED) -> sessions.Slice:
    """The first page: the live queue's next slice (``sl`` if already claimed), or a new
    queue."""
    if sl is _UNCLAIMED:
        sl = sessions.claim(state.user_id, size)
    if sl is not None:
        fresh = time.time() - sl.meta["t0"] < REUSE_S
        room = sl.start < (sl.length if sl.meta["end"] else sessions.MAX_ENTRIES)
        if fresh and room and sl.meta["mk"] == market_code:
            return _fill(sl, state, size)
    meta = _meta_new(market_code)
    entries = _rank_batch(meta, state, set(), max(GENERATE, size))
    sid = sessions.create(state.user_id, meta, entries, served=size)
    return sessions.Slice(sid, 0, meta, len(entries), entries[:size])


def first_page_for_you(
    *, user_id: int, market_code: str, size: int, start_video: int | None, follow_state: bool
) -> FeedPage | None:
    """A first For You page whose slice and viewer state come in one round trip. None
    when that cannot answer (no Redis, no cached state, or the state remembers another
    mode while ``follow_state``): the caller takes the usual path."""
    got = sessions.claim_with_state(user_id, size, viewer_key(user_id), follow_state)
    if got is None:
        return None
    raw, sl, other_mode = got
    if raw is None or other_mode:
        return None
    state = viewer_state_from(user_id, raw)
    return page_for_you(
        state=state,
        market_code=market_code,
        cursor=None,
        size=size,
        start_video=start_video,
        claimed=sl,
    )


def page_for_you(
    *,
    state: ViewerState,
    market_code: str,
    cursor: str | None,
    size: int,
    start_video: int | None = None,
    claimed=_UNCLAIMED,
) -> FeedPage:
    uid = state.user_id
    if cursor:
        c = decode(cursor, mode=FeedMode.FOR_YOU, viewer_id=uid)
        sl = sessions.read(c["s"], c["o"], size)
        if sl is None:
            raise CursorExpired()
        sl = _fill(sl, state, size)
    else:
        sl = _start(state, market_code, size, claimed)
    hidden = state.hidden_creators
    entries = [
        _Entry(e[0], e[1], [tuple(r) for r in e[2]])
        for e in sl.entries
        if e[1] not in hidden and e[0] != start_video
    ]
    if start_video and not cursor:
        entries = [_Entry(start_video, 0, [R.shared_link()]), *entries[: size - 1]]
    stop = sl.start + size
    exhausted = (sl.meta["end"] or sl.length >= sessions.MAX_ENTRIES) and stop >= sl.length
    token = None
    if sl.entries and not exhausted:
        token = encode({"m": FeedMode.FOR_YOU, "u": uid, "s": sl.sid, "o": stop})
    ids = [e.id for e in entries]
    cards = None
    if sl.cards and all(i in sl.cards for i in ids):  # stamps read with the slice
        cards = cards_from_stamps(ids, [sl.cards[i] for i in ids])
    return FeedPage(mode=FeedMode.FOR_YOU, items=_items(entries, state, cards), cursor=token)
