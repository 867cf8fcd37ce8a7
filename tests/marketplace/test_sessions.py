"""Sessions keep working on the database alone when the cache fails."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


class Broken:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_sign_in_and_out_while_the_cache_is_down(client, monkeypatch):
    user = get_user_model().objects.create_user("ada", password="pw-123456789")
    from marketplace import sessions

    real_init = sessions.CachedDBStore.__init__

    def broken_init(self, session_key=None):
        real_init(self, session_key)
        self._cache = Broken()

    monkeypatch.setattr(sessions.CachedDBStore, "__init__", broken_init)
    assert client.login(username="ada", password="pw-123456789")
    assert client.get("/cart/").wsgi_request.user == user
    client.logout()
    assert client.get("/cart/").wsgi_request.user.is_anonymous
