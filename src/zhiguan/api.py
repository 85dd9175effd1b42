"""The HTTP API: one NinjaAPI under /api/v1/, every app's router mounted here, one error shape.

Every failure leaves as `{"error": {"code": ..., "message": ..., "details": {...}}}`; the message is
in the request's language (Accept-Language, zh-hans by default).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.throttling import AuthRateThrottle

from zhiguan.errors import DomainError
from zhiguan.org.auth import SessionActorAuth, TokenActorAuth

logger = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    # UTF-8 text instead of \uXXXX escapes: a third of the bytes for Chinese, readable in logs.
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="Zhiguan API",
    version="1",
    description="智管 city operations platform. Errors: {error: {code, message, details}}.",
    urls_namespace="api",
    auth=[TokenActorAuth(), SessionActorAuth()],
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs",
    throttle=[AuthRateThrottle("6000/m")],
)

HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def error_response(
    request: HttpRequest, *, status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": str(message), "details": details or {}}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(
        request, status=exc.status, code=exc.code, message=str(exc.message), details=exc.details
    )


def _field_name(loc: tuple) -> str | None:
    # Ninja reports ("body", "payload", "kind") or ("query", "limit"); clients want "kind" / "limit".
    parts = loc[2:] if loc[:1] == ("body",) and len(loc) > 2 else loc[1:]
    return ".".join(str(p) for p in parts) or None


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [
        {"field": _field_name(tuple(err.get("loc", ()))), "type": err.get("type"), "message": err.get("msg")}
        for err in exc.errors
    ]
    return error_response(
        request,
        status=422,
        code="invalid_input",
        message=_("Some fields are not valid."),
        details={"fields": fields},
    )


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, status=401, code="not_authenticated", message=_("Log in first."))


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return error_response(request, status=403, code="forbidden", message=_("Your role may not do this."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, status=403, code="forbidden", message=_("Your role may not do this."))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status=404, code="not_found", message=_("Not found."))


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    details = exc.message_dict if hasattr(exc, "error_dict") else {"messages": exc.messages}
    return error_response(
        request, status=422, code="invalid_input", message="; ".join(exc.messages), details=details
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # An id or number far beyond what the database column holds (SQLite raises OverflowError,
    # PostgreSQL "numeric value out of range"): the input is wrong, not the server.
    return error_response(request, status=422, code="invalid_input", message=_("A number is out of range."))


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # A unique constraint caught a race the service's own check could not see (two requests at once).
    return error_response(
        request,
        status=409,
        code="conflict",
        message=_("This conflicts with a record saved at the same moment."),
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = HTTP_CODES.get(exc.status_code, "bad_request")
    message = _("Too many requests; wait and try again.") if exc.status_code == 429 else str(exc)
    if exc.status_code == 400 and "parse" in str(exc).lower():
        code, message = "malformed_body", _("The request body is not valid JSON.")
    return error_response(request, status=exc.status_code, code=code, message=message)


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unexpected error on %s %s", request.method, request.path)
    return error_response(
        request,
        status=500,
        code="internal_error",
        message=_("An unexpected error occurred; it has been logged."),
    )


def mount_routers() -> None:
    from zhiguan.audit.api import router as audit_router
    from zhiguan.cases.api import router as cases_router
    from zhiguan.geo.api import router as geo_router
    from zhiguan.org.api import auth_router
    from zhiguan.org.api import router as org_router
    from zhiguan.taxonomy.api import router as taxonomy_router
    from zhiguan.tenancy.api import router as tenancy_router
    from zhiguan.workdays.api import router as workdays_router

    api.add_router("/auth", auth_router)
    api.add_router("/tenancy", tenancy_router)
    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)
    api.add_router("/geo", geo_router)
    api.add_router("/workdays", workdays_router)
    api.add_router("/taxonomy", taxonomy_router)
    api.add_router("/cases", cases_router)


mount_routers()
