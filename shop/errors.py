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
