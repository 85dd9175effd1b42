"""Domain errors: a stable machine-readable code, a translatable message, an HTTP status.

Services raise these; `zhiguan.api` turns every one of them into the single error shape
`{"error": {"code": ..., "message": ..., "details": {...}}}`.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "bad_request"
    status = 400
    default_message: str | Promise = _("The request cannot be processed.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None, **details: Any):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422
    default_message = _("The input is not valid.")


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = _("Log in first.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("Your role may not do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("Someone else changed this record at the same moment; reload and try again.")


class OutsideJurisdiction(DomainError):
    code = "outside_jurisdiction"
    status = 422
    default_message = _("The location is outside the jurisdiction.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests; wait and try again.")
