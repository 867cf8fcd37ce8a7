"""Idempotency keys: the same key and body get the same response, once.

The first request with a key inserts its row (the unique constraint elects exactly one
owner), does the work and stores the response. Copies that arrive meanwhile wait for
that response and return it; a copy with another body gets ``idempotency_key_reused``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import IdempotencyInProgress, IdempotencyKeyReused
from ..models import IdempotencyKey

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05


def request_fingerprint(body: dict) -> str:
    """A keyed hash of the request: bodies can carry a card number, so a plain hash
    (brute-forceable over 16 digits) would be storing it in disguise."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, canonical.encode(), hashlib.sha256).hexdigest()


def idempotent(
    *, user, key: str, scope: str, fingerprint: str, work: Callable[[], tuple[int, dict]]
) -> tuple[int, dict]:
    """Run ``work`` once per (user, scope, key); return its (status, body) every time."""
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                user=user, key=key, scope=scope, request_hash=fingerprint
            )
    except IntegrityError:
        return _replay(user=user, key=key, scope=scope, fingerprint=fingerprint)
    try:
        status, body = work()
    except BaseException:
        # Nothing was stored: let the client retry the same key.
        IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True).delete()
        raise
    IdempotencyKey.objects.filter(pk=record.pk).update(response_status=status, response_body=body)
    return status, body


def _replay(*, user, key, scope, fingerprint) -> tuple[int, dict]:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = IdempotencyKey.objects.filter(user=user, key=key, scope=scope).first()
        if record is None:
            # The owner failed before storing a response and let go of the key.
            raise IdempotencyInProgress("The first request with this key failed; retry.")
        if record.request_hash != fingerprint:
            raise IdempotencyKeyReused()
        if record.response_status is not None:
            return record.response_status, record.response_body
        if time.monotonic() >= deadline:
            raise IdempotencyInProgress()
        time.sleep(POLL_SECONDS)


def idempotency_keys_purge() -> int:
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
