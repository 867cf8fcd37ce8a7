"""Authentication for the feed endpoints: session, or a token whose lookup is cached."""

from __future__ import annotations

import hashlib
import json
import time

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.models import Token

from . import store


class FeedViewer:
    """A token client as the feed endpoints see it: its id and market, nothing else."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, pk: int, market_id: str | None):
        self.pk = self.id = pk
        self.market_id = market_id


class CachedTokenAuthentication(TokenAuthentication):
    """Token auth for the feed and events endpoints, the hottest reads and writes: the
    token's user id and market are cached for a minute, so a page or a batch costs no
    database query for it, and each worker remembers it a few seconds more, so most cost
    no Redis round trip either. (A revoked token or deactivated user keeps reading the
    feed and recording engagement for at most that minute; nothing else accepts it.)"""

    ttl_s = 50
    local_ttl_s = 10
    _local: dict[str, tuple[int, str | None, float]] = {}

    def authenticate_credentials(self, key):
        now = time.monotonic()
        known = self._local.get(key)
        if known is not None and known[2] > now:
            return FeedViewer(known[0], known[1]), key
        cache_key = f"token:{hashlib.sha256(key.encode()).hexdigest()[:40]}"
        (raw,) = store.kv_get_many([cache_key])
        if raw is None:
            row = (
                Token.objects.filter(key=key, user__is_active=True)
                .values_list("user_id", "user__market_id")
                .first()
            )
            if row is None:
                raise exceptions.AuthenticationFailed("Invalid token.")
            raw = json.dumps(row)
            store.kv_set_many({cache_key: raw}, self.ttl_s)
        user_id, market_id = json.loads(raw)
        if len(self._local) > 10_000:
            self._local.clear()
        self._local[key] = (user_id, market_id, now + self.local_ttl_s)
        return FeedViewer(user_id, market_id), key


FEED_AUTHENTICATION = [CachedTokenAuthentication, SessionAuthentication]


class CachedTokenScheme(OpenApiAuthenticationExtension):
    """Documents the cached token auth as what it is on the wire: the same
    ``Authorization: Token <key>`` header as everywhere else in the API."""

    target_class = "creators.feed.auth.CachedTokenAuthentication"
    name = "feedTokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
