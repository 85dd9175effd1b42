"""Keeps the one error shape for API failures produced outside Ninja's handlers, and puts the
Content-Security-Policy on every response.

Django and Ninja answer some failures before any exception handler runs (405 method not
allowed, a CSRF failure, an oversized body); under /api/ those leave as the standard shape too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from zhiguan.schemas import is_unclean
from zhiguan.validation import invalid_input

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


class ApiCleanTextMiddleware:
    """Refuses a path or query parameter under /api/ with control characters or direction overrides.

    Bodies are checked field by field by their schemas (`zhiguan.schemas`); this covers what no schema
    reads, so that no such text reaches the database (PostgreSQL refuses NUL) or a reader.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            names = ["path"] if is_unclean(request.path) else []
            names += [
                key
                for key, values in request.GET.lists()
                if is_unclean(key) or any(is_unclean(v) for v in values)
            ]
            if names:
                exc = invalid_input([{"loc": (name,), "type": "invalid_text"} for name in names])
                return JsonResponse(
                    {"error": {"code": exc.code, "message": str(exc.message), "details": exc.details}},
                    status=exc.status,
                )
        return self.get_response(request)


def _tile_source(url: str) -> str | None:
    # "https://{s}.tiles.local:8443/{z}/{x}/{y}.png" → "https://*.tiles.local:8443": the tile server's
    # origin, its Leaflet sub-domain placeholder as a CSP wildcard.
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    if not re.fullmatch(r"(\*\.)?[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?", host):
        return None
    return f"{parts.scheme}://{host}"


@lru_cache(maxsize=8)
def content_security_policy(tile_url: str) -> str:
    """The policy of every response: scripts and everything else from this installation only, no
    inline or evaluated script, no plugins, no framing. Styles may be inline (Element Plus and Swagger
    UI position their popups with style attributes); images also from the configured tile server."""
    images = ["'self'", "data:", "blob:"]
    if tile := _tile_source(tile_url):
        images.append(tile)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """Puts `content_security_policy` on every response that has none of its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(settings.ZHIGUAN_MAP_TILE_URL)
        return response
