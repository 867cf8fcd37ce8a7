"""The buffer engagement batches wait in until Celery folds them.

Redis: one RPUSH per batch onto a list. A fold moves up to N batches atomically to an
"inflight" list (Lua), applies them in one database transaction, then deletes the
inflight list. If the worker dies in between, the next fold finds the inflight list and
applies it again; the processed-event keys written in that transaction make the second
application a no-op, so each event counts exactly once.

Without Redis: each batch is a row of ``EngagementBatch``, claimed and deleted inside the
fold's own transaction (Celery is eager without a broker, so the fold runs right away).
"""

from __future__ import annotations

import json
import time

from ..models import EngagementBatch
from .store import prefix, redis_client, run_script

_CLAIM = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items > 0 then
  redis.call('LTRIM', KEYS[1], #items, -1)
  for i = 1, #items do redis.call('RPUSH', KEYS[2], items[i]) end
end
return items
"""
KICK_DEBOUNCE_S = 2


def _keys() -> tuple[str, str]:
    p = prefix()
    return f"{p}events", f"{p}events:inflight"


def push(payload: dict, *, prompt: bool) -> bool:
    """Buffer one batch. Returns whether a prompt fold should be asked for (debounced)."""
    raw = json.dumps(payload, separators=(",", ":"))
    client = redis_client()
    if client is None:
        EngagementBatch.objects.create(payload=payload)
        return True
    queue, _ = _keys()
    pipe = client.pipeline(transaction=False)
    pipe.rpush(queue, raw)
    if prompt:
        pipe.set(f"{prefix()}fold:kick", int(time.time()), nx=True, ex=KICK_DEBOUNCE_S)
    results = pipe.execute()
    return bool(prompt and results[1])


def claim_redis(limit: int) -> list[dict] | None:
    """Batches to fold now (leftovers from a dead fold first). None without Redis."""
    client = redis_client()
    if client is None:
        return None
    queue, inflight = _keys()
    leftover = client.lrange(inflight, 0, -1)
    if leftover:
        return [json.loads(raw) for raw in leftover]
    items = run_script(client, _CLAIM, keys=(queue, inflight), args=(limit,))
    return [json.loads(raw) for raw in items]


def ack_redis() -> None:
    client = redis_client()
    if client is not None:
        client.delete(_keys()[1])


def claim_db(limit: int) -> list[dict]:
    """Inside the fold's transaction: take and delete up to ``limit`` buffered rows."""
    rows = list(
        EngagementBatch.objects.select_for_update(skip_locked=True)
        .order_by("id")
        .values_list("id", "payload")[:limit]
    )
    if rows:
        EngagementBatch.objects.filter(id__in=[r[0] for r in rows]).delete()
    return [payload for _, payload in rows]


def pending() -> int:
    client = redis_client()
    if client is None:
        return EngagementBatch.objects.count()
    queue, inflight = _keys()
    pipe = client.pipeline(transaction=False)
    pipe.llen(queue)
    pipe.llen(inflight)
    return sum(pipe.execute())
