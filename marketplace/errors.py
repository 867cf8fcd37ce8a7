"""The base of every domain error. Each subclass has a stable ``code`` clients can rely on."""


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = "The request could not be completed."

    def __init__(self, message: str | None = None, **details):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.details = details

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.message, **self.details}


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = "Not found."


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = "You do not have permission to do that."
