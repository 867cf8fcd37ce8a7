"""For You sessions: a viewer's ranked queue, stored so most pages rank nothing.

A session is a list of ranked entries ``[video id, creator id, reasons]`` plus a small
meta record and a head (how far anything has been served). A page is one Lua call that
reads its slice (and the stamps of the slice's cached cards) and moves the head, so:

- a new first page (a reload, another tab) continues from the head: nothing already
  served comes again, and concurrent first pages get disjoint slices (INCRBY);
- a cursor page reads its own slice and pushes the head past it.

Only when a slice runs past the end is another batch ranked and appended (under a lock,
so two requests do not rank the same batch twice). Without Redis the same operations run
on Django's cache.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field

from django.core.cache import cache

from .cards import KEY_PREFIX, STAMP_LEN
from .store import SESSION_TTL_S, prefix, redis_client, run_script, worker_memo

MAX_ENTRIES = 1500  # after this a session ends; the next first page starts a new one

# How _CLAIM and _READ end, once ``items`` (read from ``first``) are in hand: the session,
# its meta, where the slice starts, the session's length, the entries and their cards'
# stamps ('' for a card not cached), each list joined by newlines.
_SLICE_REPLY = """
local cards = {}
for i, item in ipairs(items) do
  local id = string.match(item, '^%[(%d+),')
  cards[i] = id and redis.call('GETRANGE', p .. 'CARD_PREFIX' .. id, 0, STAMP_END) or ''
end
local nl = string.char(10)
return {sid, meta, first, redis.call('LLEN', p .. 'fyl:' .. sid),
  table.concat(items, nl), table.concat(cards, nl)}
""".replace("STAMP_END", str(STAMP_LEN - 1)).replace("CARD_PREFIX", KEY_PREFIX)

_CLAIM = (
    """
local p, uid, size = ARGV[1], ARGV[2], tonumber(ARGV[3])
local sid = redis.call('GET', p .. 'fy:' .. uid)
if not sid then return false end
local meta = redis.call('GET', p .. 'fym:' .. sid)
if not meta then return false end
local stop = redis.call('INCRBY', p .. 'fyh:' .. sid, size)
local first = stop - size
local items = redis.call('LRANGE', p .. 'fyl:' .. sid, first, stop - 1)
"""
    + _SLICE_REPLY
)
# A first page with the viewer's state: ARGV as _CLAIM's, then the state's key and the
# mode asked for ('' follows the state's remembered mode). Returns {state JSON | false,
# 'ok', ...as _CLAIM} / {state, 'none'} (no live session) / {state, 'mode'} (the viewer
# wants another mode: nothing claimed).
_CLAIM_WITH_STATE = (
    """
local state = redis.call('GET', ARGV[1] .. ARGV[4])
if not state then return {false, 'none'} end
if ARGV[5] == '' then
  local ok, light = pcall(cjson.decode, state)
  local m = ok and light['m']
  if m == 'popular' or m == 'newest' then return {state, 'mode'} end
end
local got = (function()
"""
    + _CLAIM
    + """
end)()
if not got then return {state, 'none'} end
return {state, 'ok', unpack(got)}
"""
)
_READ = (
    """
local p, sid, start, size = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local meta = redis.call('GET', p .. 'fym:' .. sid)
if not meta then return false end
local head = tonumber(redis.call('GET', p .. 'fyh:' .. sid) or '0')
if head < start + size then redis.call('SET', p .. 'fyh:' .. sid, start + size, 'KEEPTTL') end
local first = start
local items = redis.call('LRANGE', p .. 'fyl:' .. sid, first, start + size - 1)
"""
    + _SLICE_REPLY
)


@dataclass
class Slice:
    sid: str
    start: int
    meta: dict
    length: int  # entries stored so far
    entries: list[list]
    # The stamps of the entries' cached cards, read with them (Redis only):
    # {video id: stamp or None}
    cards: dict = field(default_factory=dict)


def _k(kind: str, key: str) -> str:
    return f"{prefix()}{kind}:{key}"


def _entries(joined: bytes) -> list[list]:
    """Entries stored as compact JSON, read back joined by newlines: one decode."""
    return json.loads(b"[" + joined.replace(b"\n", b",") + b"]") if joined else []


# A batch's entries share a few reason lists (the same creators and categories come up
# again and again): each worker encodes each one once.
_reasons_json: dict[tuple, str] = worker_memo({})


def entry_json(entry) -> str:
    """``[id, creator, reasons]`` as compact JSON (reasons a tuple of ``Reason``)."""
    reasons = entry[2]
    if not isinstance(reasons, tuple) or (reasons and not isinstance(reasons[0], tuple)):
        reasons = tuple(tuple(r) for r in reasons)
    text = _reasons_json.get(reasons)
    if text is None:
        if len(_reasons_json) > 20_000:
            _reasons_json.clear()
        text = _reasons_json[reasons] = json.dumps(reasons, separators=(",", ":"))
    return f"[{int(entry[0])},{int(entry[1])},{text}]"


def _slice(result) -> Slice | None:
    if not result:
        return None
    # Items and card stamps come joined by newlines (compact JSON has none; '' for a
    # missing card): a reply of six parts parses much faster in redis-py than one of 2n + 4.
    sid, meta, start, length, items, cards = result
    entries = _entries(items)
    cards = [c or None for c in cards.split(b"\n")] if entries else []
    return Slice(
        sid=sid.decode() if isinstance(sid, bytes) else sid,
        start=int(start),
        meta=json.loads(meta),
        length=int(length),
        entries=entries,
        cards={e[0]: c for e, c in zip(entries, cards, strict=True)},
    )


def claim(uid: int, size: int) -> Slice | None:
    """The next ``size`` entries of the viewer's live session (None without one)."""
    client = redis_client()
    if client is not None:
        return _slice(run_script(client, _CLAIM, args=(prefix(), uid, size)))
    sid = cache.get(_k("fy", str(uid)))
    meta = cache.get(_k("fym", sid)) if sid else None
    if meta is None:
        return None
    try:
        stop = cache.incr(_k("fyh", sid), size)
    except ValueError:
        return None
    items = cache.get(_k("fyl", sid), [])
    return Slice(sid, stop - size, meta, len(items), items[stop - size : stop])


def claim_with_state(uid: int, size: int, state_key: str, follow_state: bool):
    """``claim`` and the viewer's cached state (``viewer_key``) in one round trip (None
    without Redis): (state JSON or None, slice or None, whether the state asks for
    another mode, in which case nothing was claimed)."""
    client = redis_client()
    if client is None:
        return None
    mode = "" if follow_state else "foryou"
    got = run_script(client, _CLAIM_WITH_STATE, args=(prefix(), uid, size, state_key, mode))
    state, status = got[0] or None, got[1].decode() if isinstance(got[1], bytes) else got[1]
    return state, _slice(got[2:]) if status == "ok" else None, status == "mode"


def read(sid: str, start: int, size: int) -> Slice | None:
    """Entries ``start``.. of a session, moving its head past them (None if expired)."""
    client = redis_client()
    if client is not None:
        return _slice(run_script(client, _READ, args=(prefix(), sid, start, size)))
    meta = cache.get(_k("fym", sid))
    if meta is None:
        return None
    if (cache.get(_k("fyh", sid)) or 0) < start + size:
        cache.set(_k("fyh", sid), start + size, SESSION_TTL_S)
    items = cache.get(_k("fyl", sid), [])
    return Slice(sid, start, meta, len(items), items[start : start + size])


def create(uid: int, meta: dict, entries: list[list], served: int) -> str:
    """A new live session for ``uid`` holding ``entries``, the first ``served`` served."""
    sid = secrets.token_urlsafe(12)
    ids = ",".join(str(e[0]) for e in entries)
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=True)
        if entries:
            pipe.rpush(_k("fyl", sid), *[entry_json(e) for e in entries])
        pipe.expire(_k("fyl", sid), SESSION_TTL_S)
        pipe.set(_k("fyi", sid), ids, ex=SESSION_TTL_S)
        pipe.set(_k("fym", sid), json.dumps(meta), ex=SESSION_TTL_S)
        pipe.set(_k("fyh", sid), served, ex=SESSION_TTL_S)
        pipe.set(_k("fy", str(uid)), sid, ex=SESSION_TTL_S)
        pipe.execute()
    else:
        cache.set_many(
            {
                _k("fyl", sid): list(entries),
                _k("fyi", sid): ids,
                _k("fym", sid): meta,
                _k("fyh", sid): served,
                _k("fy", str(uid)): sid,
            },
            SESSION_TTL_S,
        )
    return sid


_BEGIN = """
local p, sid = ARGV[1], ARGV[2]
if not redis.call('SET', p .. 'fyx:' .. sid, 1, 'NX', 'EX', 10) then return false end
local meta = redis.call('GET', p .. 'fym:' .. sid)
if not meta then
  redis.call('DEL', p .. 'fyx:' .. sid)
  return {0}
end
return {meta, redis.call('LLEN', p .. 'fyl:' .. sid), redis.call('GET', p .. 'fyi:' .. sid) or ''}
"""
EXPIRED = "expired"


def _ids(raw) -> set[int]:
    text = raw.decode() if isinstance(raw, bytes) else (raw or "")
    return {int(v) for v in text.split(",") if v}


def extend_begin(sid: str):
    """Take the session's extension lock: (meta, length, ids), or None if another request
    holds it, or ``EXPIRED``. One round trip."""
    client = redis_client()
    if client is not None:
        got = run_script(client, _BEGIN, args=(prefix(), sid))
        if not got:
            return None
        if len(got) == 1:
            return EXPIRED
        return json.loads(got[0]), int(got[1]), _ids(got[2])
    if not cache.add(_k("fyx", sid), 1, 10):
        return None
    meta = cache.get(_k("fym", sid))
    if meta is None:
        cache.delete(_k("fyx", sid))
        return EXPIRED
    return meta, len(cache.get(_k("fyl", sid), [])), _ids(cache.get(_k("fyi", sid)))


def extend_commit(sid: str, entries: list[list], meta: dict, start: int, size: int) -> Slice:
    """Append a ranked batch, release the lock and read the slice: one round trip."""
    ids = ",".join(str(e[0]) for e in entries)
    client = redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=True)
        if entries:
            pipe.rpush(_k("fyl", sid), *[entry_json(e) for e in entries])
            pipe.append(_k("fyi", sid), "," + ids)
        pipe.set(_k("fym", sid), json.dumps(meta), ex=SESSION_TTL_S)
        pipe.delete(_k("fyx", sid))
        pipe.lrange(_k("fyl", sid), start, start + size - 1)
        pipe.llen(_k("fyl", sid))
        *_, items, length = pipe.execute()
        return Slice(sid, start, meta, int(length), _entries(b"\n".join(items)))
    items = cache.get(_k("fyl", sid), []) + list(entries)
    old = cache.get(_k("fyi", sid), "")
    cache.set_many(
        {
            _k("fyl", sid): items,
            _k("fyi", sid): f"{old},{ids}" if old else ids,
            _k("fym", sid): meta,
        },
        SESSION_TTL_S,
    )
    cache.delete(_k("fyx", sid))
    return Slice(sid, start, meta, len(items), items[start : start + size])
