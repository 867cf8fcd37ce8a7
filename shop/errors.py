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
