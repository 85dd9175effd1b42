"""The HTTP API: one NinjaAPI under /api/v1/, every app's router mounted here, one error shape.

Every failure leaves as `{"error": {"code": ..., "message": ..., "details": {...}}}`; the message is
in the request's language (Accept-Language, zh-hans by default).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Swagger
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from zhiguan.errors import DomainError
from zhiguan.openapi import ZhiguanAPI
from zhiguan.org.auth import SessionActorAuth, TokenActorAuth, docs_need_log_in
from zhiguan.throttling import ActorThrottle
from zhiguan.validation import invalid_input

logger = logging.getLogger(__name__)


class ChineseJSONRenderer(JSONRenderer):
    # UTF-8 text instead of \uXXXX escapes: a third of the bytes for Chinese, readable in logs.
    json_dumps_params = {"ensure_ascii": False}


api = ZhiguanAPI(
    renderer=ChineseJSONRenderer(),
    title="Zhiguan API",
    version="1",
    description="智管 city operations platform. Errors: {error: {code, message, details}}.",
    urls_namespace="api",
    auth=[TokenActorAuth(), SessionActorAuth()],
    # No validator badge: Swagger UI would load it from validator.swagger.io.
    docs=Swagger(settings={"persistAuthorization": True, "validatorUrl": None}),
    docs_url="/docs",
    docs_decorator=docs_need_log_in,
    throttle=[ActorThrottle("ZHIGUAN_API_RATE")],
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


def _field_loc(loc: tuple) -> tuple:
    # Ninja reports ("body", "payload", "kind"), ("form", "payload", "name") or ("query", "limit");
    # clients want "kind", "name", "limit".
    return loc[2:] if loc[:1] in (("body",), ("form",)) and len(loc) > 2 else loc[1:]


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    # Each field's message in the platform's words and the user's language, never the library's.
    errors = [{**err, "loc": _field_loc(tuple(err.get("loc", ())))} for err in exc.errors]
    return on_domain_error(request, invalid_input(errors))


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


@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
def on_malformed_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    # A multipart body without a (valid) boundary or cut short, reachable before any log-in check.
    return error_response(
        request, status=400, code="malformed_body", message=_("The request body cannot be read.")
    )


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE (file parts aside).
    return error_response(
        request, status=413, code="payload_too_large", message=_("The request is too large.")
    )


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many form fields or files, and the like: Django's own refusals of a crafted request.
    return error_response(
        request, status=400, code="bad_request", message=_("The request cannot be processed.")
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
    # Ninja's own refusals (a body it cannot parse, a failed CSRF check, a throttle): in our words.
    code = HTTP_CODES.get(exc.status_code, "bad_request")
    message = {
        400: _("The request body is not valid JSON."),
        403: _("The page has expired or the request came from elsewhere; reload the page and try again."),
        429: _("Too many requests; wait and try again."),
    }.get(exc.status_code, _("The request cannot be processed."))
    if exc.status_code == 400:
        code = "malformed_body"
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
    from zhiguan.components.api import router as components_router
    from zhiguan.geo.api import router as geo_router
    from zhiguan.gis.api import router as gis_router
    from zhiguan.intake.api import router as intake_router
    from zhiguan.intake.api import staff_router as intake_staff_router
    from zhiguan.intake.systems.api import router as systems_router
    from zhiguan.org.api import auth_router
    from zhiguan.org.api import router as org_router
    from zhiguan.registries.api import router as registries_router
    from zhiguan.supervision.api import router as supervision_router
    from zhiguan.taxonomy.api import router as taxonomy_router
    from zhiguan.tenancy.api import router as tenancy_router
    from zhiguan.video.api import router as video_router
    from zhiguan.workdays.api import router as workdays_router

    api.add_router("/auth", auth_router)
    api.add_router("/tenancy", tenancy_router)
    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)
    api.add_router("/geo", geo_router)
    api.add_router("/gis", gis_router)
    api.add_router("/workdays", workdays_router)
    api.add_router("/taxonomy", taxonomy_router)
    api.add_router("/registries", registries_router)
    api.add_router("/components", components_router)
    api.add_router("/video", video_router)
    api.add_router("/systems", systems_router)
    api.add_router("/channels", "zhiguan.intake.channels.api.router")
    api.add_router("/knowledge", "zhiguan.intake.knowledge.api.router")
    api.add_router("/wechat", "zhiguan.intake.wechat.api.router")
    api.add_router("/open311", "zhiguan.intake.open311.admin_api.router")  # keys, service attributes
    api.add_router("/classification", "zhiguan.intelligence.classification.api.router")
    api.add_router("/duplicates", "zhiguan.intelligence.duplicates.api.router")
    api.add_router("/hotspots", "zhiguan.intelligence.hotspots.api.router")
    api.add_router("/dashboard", "zhiguan.assessment.dashboard.api.router")
    api.add_router("/reports", "zhiguan.assessment.report.api.router")
    api.add_router("/forecasts", "zhiguan.assessment.forecasts.api.router")
    api.add_router("/evaluation", "zhiguan.assessment.evaluation.api.router")
    # Supervision keeps its URLs under /cases/supervision/; mounted before the cases router, whose
    # `/{number}` routes would otherwise take "supervision" for a case number.
    api.add_router("/cases/supervision", supervision_router)
    # Intake's routes live under /cases/ (the URLs the citizen pages and the console use); mounted
    # first, so that `/cases/public/...` is never read as a case number by the cases router.
    api.add_router("/cases/public", intake_router)
    api.add_router("/cases", intake_staff_router)
    api.add_router("/cases", "zhiguan.intake.wechat.api.notices_router")  # /{number}/citizen-notices
    api.add_router("/cases", cases_router)


mount_routers()
