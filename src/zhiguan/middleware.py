"""Keeps the one error shape for API failures produced outside Ninja's handlers.

Django and Ninja answer some failures before any exception handler runs (405 method not
allowed, a CSRF failure, an oversized body); under /api/ those leave as the standard shape too.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_MESSAGES = {
    400: ("bad_request", lambda: _("The request cannot be processed.")),
    403: ("forbidden", lambda: _("Your role may not do this.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("payload_too_large", lambda: _("The request is too large.")),
    415: ("unsupported_media_type", lambda: _("Send JSON (Content-Type: application/json).")),
    500: ("internal_error", lambda: _("An unexpected error occurred; it has been logged.")),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _MESSAGES.get(response.status_code, ("bad_request", _MESSAGES[400][1]))
            details = {"allowed": response["Allow"].split(", ")} if response.has_header("Allow") else {}
            shaped = JsonResponse(
                {"error": {"code": code, "message": message(), "details": details}},
                status=response.status_code,
            )
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
