"""Following pages from Redis: each creator's newest published videos in a sorted set,
merged for a viewer in one Lua call that also reads the viewer's state and the stamps of
the page's cards, so a page is one round trip however many videos there are.

A creator's list (``recent:<creator>``) holds up to ``RECENT_N`` members, all scored 0
and ordered by their text: ``member()`` spells (published_at, id) so that ascending text
is newest first, ties broken by id as the keyset query does, and ZRANGEBYLEX reads from a
cursor's position exactly. A last member says whether the list holds all the creator's
published videos (``~all``) or only the newest (``~more``); when a page would reach past
a truncated list, or the viewer follows more creators than one call should merge, the
page comes from the keyset query instead (``None`` from ``read``).

Lists are built on a miss (one query for all the creators missing) and dropped when any
of the creator's videos is saved or deleted. A per-creator generation, read before the
query and checked when writing, keeps a build that raced a change from storing what it
read before the change.
"""

from __future__ import annotations

import json

from django.db import transaction

from . import store
from .cards import KEY_PREFIX, STAMP_LEN
from .keyset import newest_per_creator

RECENT_N = 100
RECENT_TTL_S = 3600
MERGE_MAX = 200
_US, _ID = 10**17, 10**12

# ARGV: prefix, viewer key, position member ('' for the first page), limit, MERGE_MAX.
# Returns {viewer JSON | false, status, members, stamps}: status 'ok' (members joined by
# ',', the cards' stamps by newlines, '' for a missing card), 'sql'
# (the keyset query must answer), or 'missing' and the creators whose lists are missing.
_PAGE = """
local p, pos, limit = ARGV[1], ARGV[3], tonumber(ARGV[4])
local raw = redis.call('GET', p .. ARGV[2])
if not raw then return {false} end
local follows = cjson.decode(raw)['f']
if #follows > tonumber(ARGV[5]) then return {raw, 'sql'} end
local lo = pos == '' and '-' or ('(' .. pos)
local got, missing, cuts = {}, {}, {}
for _, c in ipairs(follows) do
  local cid = string.format('%d', c)
  local ms = redis.call('ZRANGEBYLEX', p .. 'recent:' .. cid, lo, '+', 'LIMIT', 0, limit)
  if #ms == 0 then
    missing[#missing + 1] = cid
  else
    local last = pos
    for _, m in ipairs(ms) do
      if string.byte(m, 1) == 126 then
        if m == '~more' then cuts[#cuts + 1] = last end
        break
      end
      got[#got + 1] = m
      last = m
    end
  end
end
if #missing > 0 then return {raw, 'missing', missing} end
table.sort(got)
local n = math.min(#got, limit)
for _, cut in ipairs(cuts) do
  if n < limit or got[n] > cut then return {raw, 'sql'} end
end
local page, cards = {}, {}
for i = 1, n do
  page[i] = got[i]
  local id = string.format('%d', 1000000000000 - tonumber(string.sub(got[i], 18)))
  cards[i] = redis.call('GETRANGE', p .. 'CARD_PREFIX' .. id, 0, STAMP_END)
end
if n == 0 then return {raw, 'ok', '', ''} end
-- one string each: a reply of four parts parses much faster than of 2n + 2
return {raw, 'ok', table.concat(page, ','), table.concat(cards, string.char(10))}
""".replace("STAMP_END", str(STAMP_LEN - 1)).replace("CARD_PREFIX", KEY_PREFIX)

# ARGV: prefix, ttl, JSON [[creator, generation seen, [members...]], ...]
_STORE = """
local p, ttl = ARGV[1], tonumber(ARGV[2])
for _, e in ipairs(cjson.decode(ARGV[3])) do
  local cid = string.format('%d', e[1])
  local gen = redis.call('GET', p .. 'recent-gen:' .. cid) or ''
  if gen == e[2] then
    local key = p .. 'recent:' .. cid
    redis.call('DEL', key)
    local args = {}
    for _, m in ipairs(e[3]) do
      args[#args + 1] = 0
      args[#args + 1] = m
    end
    redis.call('ZADD', key, unpack(args))
    redis.call('EXPIRE', key, ttl)
  end
end
return 1
"""


def member(us: int, video_id: int) -> str:
    return f"{_US - us:017d}{_ID - video_id:012d}"


def unmember(m) -> tuple[int, int]:
    """(video id, published_at in epoch microseconds)."""
    if isinstance(m, bytes):
        m = m.decode()
    return _ID - int(m[17:]), _US - int(m[:17])


def read(user_id: int, viewer_key: str, position: str, limit: int):
    """(viewer JSON or None, rows or None, cards' stamps) for a Following page: rows are
    (video id, published_at µs), newest first after ``position`` (a ``member``). Rows
    None: the keyset query must answer. None when there is no Redis."""
    client = store.redis_client()
    if client is None:
        return None
    args = [store.prefix(), viewer_key, position, limit, MERGE_MAX]
    for _ in range(3):
        got = store.run_script(client, _PAGE, args=args)
        if not got[0]:
            return None, None, []
        status = got[1].decode() if isinstance(got[1], bytes) else got[1]
        if status == "ok":
            if not got[2]:
                return got[0], [], []
            cards = [c or None for c in got[3].split(b"\n")]
            return got[0], [unmember(m) for m in got[2].split(b",")], cards
        if status == "sql":
            return got[0], None, []
        recent_build([int(c) for c in got[2]])
    return got[0], None, []


def recent_build(creators: list[int]) -> None:
    """Store the lists of ``creators`` from the database (one query)."""
    client = store.redis_client()
    if client is None or not creators:
        return
    p = store.prefix()
    gens = client.mget([f"{p}recent-gen:{c}" for c in creators])
    rows = newest_per_creator(creators, RECENT_N + 1)
    by_creator: dict[int, list[str]] = {c: [] for c in creators}
    for vid, cid, us in rows:
        by_creator[cid].append(member(us, vid))
    entries = []
    for c, gen in zip(creators, gens, strict=True):
        ms = sorted(by_creator[c])
        end = "~more" if len(ms) > RECENT_N else "~all"
        entries.append([c, (gen or b"").decode(), [*ms[:RECENT_N], end]])
    store.run_script(client, _STORE, args=[p, RECENT_TTL_S, json.dumps(entries)])


def recent_forget(creator_id: int) -> None:
    """A video of this creator changed: drop the list now and again once the change is
    committed (a build that read before the commit must not survive it)."""

    def forget():
        client = store.redis_client()
        if client is None:
            return
        p = store.prefix()
        pipe = client.pipeline(transaction=True)
        pipe.incr(f"{p}recent-gen:{creator_id}")
        pipe.expire(f"{p}recent-gen:{creator_id}", 2 * RECENT_TTL_S)
        pipe.delete(f"{p}recent:{creator_id}")
        pipe.execute()

    forget()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(forget)
