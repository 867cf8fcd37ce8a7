"""Shop's domain errors, each with a stable code."""

from marketplace.errors import DomainError


class ProductNotFound(DomainError):
    code = "product_not_found"
    status = 404
    default_message = "No such product in this market."


class InvalidCommissionRate(DomainError):
    code = "invalid_commission_rate"
    default_message = "The commission rate must be between 1 % and 80 %."


class ImportFileInvalid(DomainError):
    code = "import_file_invalid"
    default_message = "The file could not be imported."


class InsufficientStock(DomainError):
    code = "insufficient_stock"
    status = 409
    default_message = "Not enough stock."

    def __init__(self, *, variant_id: int, available: int, message: str | None = None):
        super().__init__(
            message or (f"Only {available} left." if available > 0 else "This option is sold out."),
            variant_id=variant_id,
            available=available,
        )


class NotAvailableInMarket(DomainError):
    code = "not_available_in_market"
    status = 409
    default_message = "This product is not available in your market."


class CartLineNotFound(DomainError):
    code = "cart_line_not_found"
    status = 404
    default_message = "That item is not in your cart."


class InvalidWebhookSignature(DomainError):
    code = "invalid_signature"
    status = 400
    default_message = "The webhook signature does not match."


class CheckoutDisabled(DomainError):
    code = "checkout_disabled_in_market"
    status = 403
    default_message = "In-app checkout is not available in your market."


class EmptyCheckout(DomainError):
    code = "empty_checkout"
    status = 400
    default_message = "There is nothing to check out."


class PaymentFailed(DomainError):
    status = 402
    default_message = "The payment did not go through."

    def __init__(self, code: str, message: str | None = None):
        super().__init__(message)
        self.code = code


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = "This Idempotency-Key was used with a different request."


class IdempotencyInProgress(DomainError):
    code = "idempotency_request_in_progress"
    status = 409
    default_message = "A request with this Idempotency-Key is still being processed."


class InvalidTransition(DomainError):
    code = "invalid_status_transition"
    status = 409
    default_message = "The order cannot move to that status now."
