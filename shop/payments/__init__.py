"""Payment gateways. Code depends on ``PaymentGateway``; ``get_gateway()`` picks the one
in settings (the sandbox by default), so a real provider is a new class, not a rewrite."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import CardDetails, GatewayError, GatewayResult, PaymentGateway

__all__ = ["CardDetails", "GatewayError", "GatewayResult", "PaymentGateway", "get_gateway"]


def get_gateway() -> PaymentGateway:
    return import_string(settings.PAYMENT_GATEWAY)()
