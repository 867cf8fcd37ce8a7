"""API plumbing shared by both apps: the error envelope, keyset cursor pagination, and the
market a request reads from."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.http import Http404
from drf_spectacular.extensions import OpenApiViewExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .markets import markets_by_code

_DRF_CODES = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}
# Validation codes that name the whole request's failure better than "invalid".
# DRF's AuthTokenSerializer reports bad credentials with code "authorization".
_VALIDATION_CODES = {"authorization": "invalid_credentials"}


class InvalidCursor(DomainError):
    code = "invalid_cursor"
    default_message = "Invalid cursor."


class UnknownMarket(DomainError):
    code = "unknown_market"
    default_message = "No such market."


def _validation_code(errors) -> str:
    non_field = errors.get("non_field_errors") if isinstance(errors, dict) else None
    for detail in non_field or ():
        code = _VALIDATION_CODES.get(str(getattr(detail, "code", "")))
        if code:
            return code
    return "invalid"


def exception_handler(exc, context):
    """Every error body carries a stable ``code``; field errors stay under ``errors``."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    # Django's own exceptions (get_object_or_404, PermissionDenied) get DRF's codes too.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = response.data
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = {
            "code": _validation_code(errors),
            "detail": "Invalid input.",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), "error")
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    # A permission class or view may name its own code (``PermissionDenied(code=...)``).
    code = getattr(getattr(exc, "detail", None), "code", None) or code
    response.data = {"code": code, "detail": detail}
    return response


class ErrorSerializer(serializers.Serializer):
    """The body of every error response, for the schema."""

    code = serializers.CharField(help_text="Stable, machine-readable error code")
    detail = serializers.CharField()


# Built with ``inline_serializer``: a declared field named ``errors`` would shadow
# ``Serializer.errors`` for type checkers.
ValidationErrorSerializer = inline_serializer(
    "ValidationError",
    fields={
        "code": serializers.CharField(help_text="invalid, or a more specific stable code"),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            help_text=(
                "Messages per field (a list of strings, or nested like the input); "
                "request-wide ones under non_field_errors"
            ),
        ),
    },
)


ERROR_RESPONSES = {
    400: ValidationErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
}


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text='Send as "Authorization: Token <token>"')


class ObtainAuthTokenSchema(OpenApiViewExtension):
    """Documents DRF's obtain_auth_token (routed as is) with this API's error body."""

    target_class = "rest_framework.authtoken.views.ObtainAuthToken"
    match_subclasses = True
    priority = 1

    def view_replacement(self):
        class DocumentedObtainAuthToken(self.target):
            @extend_schema(
                tags=["auth"],
                summary="Exchange a username and password for an API token",
                description="Bad credentials give 400 with code invalid_credentials.",
                responses={200: TokenSerializer, 400: ValidationErrorSerializer},
            )
            def post(self, request, *args, **kwargs):
                return super().post(request, *args, **kwargs)

        return DocumentedObtainAuthToken


MARKET_PARAMETER = OpenApiParameter(
    "market",
    OpenApiTypes.STR,
    description=(
        "Market code (US, GB, JP, ID). Anonymous clients only; a signed-in user reads "
        "their own market."
    ),
    required=False,
)


def request_market(request):
    """The market a request reads: ``?market=`` for anonymous clients, else the
    middleware's choice (the user's market, the cookie, the default)."""
    code = request.query_params.get("market", "").strip().upper()
    if code and not request.user.is_authenticated:
        market = markets_by_code().get(code)
        if market is None:
            raise UnknownMarket(f"No market {code!r}.")
        return market
    market = request.market
    if not market:  # no markets configured at all
        raise UnknownMarket()
    return market


class KeysetCursorPagination(CursorPagination):
    """Cursor pagination on the whole sort key, not just its first column.

    DRF's CursorPagination keeps only the first ordering field in the cursor and skips
    ties with an offset, capped at 1000: a "popular" listing where most products have
    sold nothing would break past that cap. Here the cursor holds every value of the
    ordering (which must end in the primary key, so it is unique), and the next page is
    the rows strictly after it in that order. Any sort pages without repeats or skips,
    at one query per page. Ordering fields must be non-null columns of the model.

    The ordering is the queryset's own ``order_by`` (so a view's sort drives it), else
    the view's ``cursor_ordering``, else ``ordering`` here.
    """

    page_size = 24
    max_page_size = 100
    page_size_query_param = "page_size"
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        ordering = tuple(queryset.query.order_by) or tuple(
            getattr(view, "cursor_ordering", None) or self.ordering
        )
        if not all(isinstance(f, str) and "__" not in f for f in ordering):
            raise ImproperlyConfigured(f"Keyset ordering must be plain field names: {ordering}")
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            raise ImproperlyConfigured(f"Keyset ordering must end with the id: {ordering}")
        return ordering

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        self.base_url = request.build_absolute_uri()
        self.ordering = self.get_ordering(request, queryset, view)
        self.model = queryset.model
        self.cursor = self.decode_cursor(request)
        reverse = bool(self.cursor and self.cursor["reverse"])
        order = _reversed(self.ordering) if reverse else self.ordering
        queryset = queryset.order_by(*order)
        if self.cursor:
            queryset = queryset.filter(_after(order, self.cursor["position"]))
        rows = list(queryset[: self.page_size + 1])
        has_more = len(rows) > self.page_size
        self.page = rows[: self.page_size]
        if reverse:
            self.page.reverse()
            self.has_next, self.has_previous = True, has_more
        else:
            self.has_next, self.has_previous = has_more, self.cursor is not None
        return self.page

    def get_next_link(self):
        if not (self.has_next and self.page):
            return None
        return self._link(self.page[-1], reverse=False)

    def get_previous_link(self):
        if not (self.has_previous and self.page):
            return None
        return self._link(self.page[0], reverse=True)

    def _signature(self) -> str:
        return ",".join(self.ordering)

    def _link(self, instance, *, reverse: bool) -> str:
        position = [_jsonable(_value(instance, f.lstrip("-"))) for f in self.ordering]
        payload: dict[str, object] = {"k": self._signature(), "p": position}
        if reverse:
            payload["r"] = 1
        raw = json.dumps(payload, separators=(",", ":")).encode()
        encoded = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return replace_query_param(str(self.base_url), self.cursor_query_param, encoded)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if not encoded:
            return None
        try:
            raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
            payload = json.loads(raw)
            position = payload["p"]
            if payload["k"] != self._signature() or len(position) != len(self.ordering):
                raise ValueError("cursor from another ordering")
            values = [
                self._field(name.lstrip("-")).to_python(value)
                for name, value in zip(self.ordering, position, strict=True)
            ]
        except (
            binascii.Error,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            DjangoValidationError,
        ):
            raise InvalidCursor() from None
        if any(v is None for v in values):
            raise InvalidCursor()
        return {"position": values, "reverse": bool(payload.get("r"))}

    def _field(self, name: str):
        opts = self.model._meta
        return opts.pk if name == "pk" else opts.get_field(name)


def _value(instance, name: str):
    value = instance.pk if name == "pk" else getattr(instance, name)
    if value is None:
        raise ImproperlyConfigured(f"Keyset ordering field {name!r} is null")
    return value


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _reversed(ordering: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in ordering)


def _after(ordering: tuple[str, ...], position: list) -> Q:
    """Rows strictly after ``position`` in ``ordering``: (a > x) or (a = x and b > y) ..."""
    condition = Q()
    equal = Q()
    for field, value in zip(ordering, position, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


# The project's default (REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]).
DefaultCursorPagination = KeysetCursorPagination


class ThrottledObtainAuthToken(ObtainAuthToken):
    """``POST /api/auth/token/``: DRF's token view, rate-limited against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


def drf_headers_apply(view, response):
    """Give a response answered before DRF's request handling (a cached read) the headers
    DRF's own answer would carry: ``Allow`` and any ``Vary`` from the view's defaults."""
    from django.utils.cache import patch_vary_headers

    headers = dict(view.default_response_headers)
    vary = headers.pop("Vary", None)
    if vary:
        patch_vary_headers(response, [vary])
    for name, value in headers.items():
        response[name] = value
    return response
