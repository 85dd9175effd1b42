"""How a request proves who it is: a staff session (cookie + CSRF) or a machine client's bearer token."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from zhiguan.errors import Forbidden, NotAuthenticated
from zhiguan.org.models import ApiToken
from zhiguan.org.permissions import Actor

TOKEN_PREFIX = "zg"


class ActorRequest(HttpRequest):
    """For type checking only: a request that passed the API's authentication carries its actor."""

    auth: Actor


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough; no salt needed to resist guessing.
    return hashlib.sha256(token.encode()).hexdigest()


def token_actor(token: str) -> Actor | None:
    """The machine client a bearer token stands for; None when it is unknown, forged, revoked,
    expired or its client deactivated."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    record = ApiToken.objects.select_related("client", "client__jurisdiction").filter(prefix=parts[1]).first()
    if record is None or not hmac.compare_digest(record.key_hash, hash_token(token)):
        return None
    now = timezone.now()
    if record.revoked_at or (record.expires_at and record.expires_at <= now) or not record.client.active:
        return None
    if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return Actor.for_client(record.client)


class TokenActorAuth(HttpBearer):
    """`Authorization: Bearer zg_<prefix>_<secret>` for channels, smart modules and integrated systems.

    A request that brings a bearer token is judged by it alone: a token that does not work is a
    401 at once, never passed on to the session check (whose CSRF refusal would hide the cause).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        actor = token_actor(token)
        if actor is None:
            raise NotAuthenticated(_("The access token is invalid, revoked or expired."))
        return actor


class SessionActorAuth(SessionAuth):
    """A logged-in member of staff (Django session); CSRF-checked on unsafe methods."""

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session there is nothing to forge (401 follows); with one, Ninja's own refusal
        # is a bare English "CSRF check Failed": this one has a code and a translated message.
        if not request.user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise Forbidden(
                _("The page has expired or the request came from elsewhere; reload the page and try again."),
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = request.user
        if not user.is_authenticated:
            return None
        return Actor.for_user(user)  # type: ignore[arg-type]


def docs_need_log_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The API docs and the OpenAPI document: for a logged-in person or a working machine token,
    unless ZHIGUAN_API_DOCS_PUBLIC (by default on only with ZHIGUAN_DEBUG) opens them to anyone.
    A map of every endpoint is no help an anonymous visitor of a production system should get."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
        bearer = token_actor(token.strip()) if scheme.lower() == "bearer" else None
        if settings.ZHIGUAN_API_DOCS_PUBLIC or request.user.is_authenticated or bearer is not None:
            return view(request, *args, **kwargs)
        if request.path.endswith(".json"):
            error = {"code": "not_authenticated", "message": _("Log in first."), "details": {}}
            return JsonResponse({"error": error}, status=401)
        # The docs page is for people: the console's log-in brings them back here.
        return HttpResponseRedirect(f"/console/login?{urlencode({'next': request.path}, safe='/')}")

    return guarded


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers once a (username, address) pair is locked out."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed log-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    if not request.path.startswith("/api/"):
        # The admin's log-in form: a page in the reader's language, not a JSON document.
        from django.shortcuts import render

        return render(request, "zhiguan/locked_out.html", {"message": message}, status=429)
    return JsonResponse(
        {"error": {"code": "login_locked", "message": message, "details": {"retry_after_minutes": minutes}}},
        status=429,
    )
