"""Remembers where the current request comes from, so that audit records can say so."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse

from zhiguan.network import client_address


@dataclass(frozen=True)
class RequestContext:
    ip: str | None
    user_agent: str
    request_id: str


current_request: ContextVar[RequestContext | None] = ContextVar("zhiguan_request", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ctx = RequestContext(
            ip=client_address(request) or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255],
            request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:36] or str(uuid.uuid4()),
        )
        token = current_request.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = ctx.request_id
        return response
