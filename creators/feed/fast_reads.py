"""Feed pages answered before DRF's request handling.

A feed page for a token client is one Redis round trip; DRF's request wrapping,
authenticator loop, permission checks and response finalising cost about as much again.
A plain JSON GET (no other rendering asked for) carrying ``Authorization: Token <key>``
whose key the feed's cached lookup accepts is answered here, with the headers DRF would
add. Anything else (no token, a bad or unknown token, a session client, the browsable
API, a page that raises a domain error such as a bad cursor) goes through DRF unchanged,
so its errors keep DRF's status codes and the project's error envelope.
"""

from __future__ import annotations

from rest_framework import exceptions

from marketplace.api import drf_headers_apply
from marketplace.errors import DomainError

from .auth import CachedTokenAuthentication

PLAIN_JSON = {"", "*/*", "application/json"}
_authenticator = CachedTokenAuthentication()


def token_viewer(request):
    """The viewer of a plain JSON GET with a valid token, or None: let DRF answer."""
    if request.method != "GET":
        return None
    header = request.META.get("HTTP_AUTHORIZATION")
    if not header or request.META.get("HTTP_ACCEPT", "") not in PLAIN_JSON:
        return None
    if "format" in request.GET:
        return None
    parts = header.split()
    if len(parts) != 2 or parts[0].lower() != "token":
        return None
    try:
        viewer, _ = _authenticator.authenticate_credentials(parts[1])
    except exceptions.AuthenticationFailed:
        return None
    return viewer


class TokenFastReadMixin:
    """For a feed ``APIView``: ``fast_page(request, user)`` returns the page's
    ``HttpResponse`` (the same one ``get`` returns under DRF)."""

    def dispatch(self, request, *args, **kwargs):
        viewer = token_viewer(request)
        if viewer is None:
            return super().dispatch(request, *args, **kwargs)
        request.user = viewer  # as DRF's Request sets it on the Django request
        try:
            response = self.fast_page(request, viewer)
        except DomainError:
            return super().dispatch(request, *args, **kwargs)  # DRF shapes the error
        return drf_headers_apply(self, response)

    def fast_page(self, request, user):
        raise NotImplementedError
