"""How a request proves who it is: a staff session (cookie + CSRF) or a machine client's bearer token."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from zhiguan.org.models import ApiToken
from zhiguan.org.permissions import Actor

TOKEN_PREFIX = "zg"


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness, so a fast hash is enough; no salt needed to resist guessing.
    return hashlib.sha256(token.encode()).hexdigest()


class TokenActorAuth(HttpBearer):
    """`Authorization: Bearer zg_<prefix>_<secret>` for channels, smart modules and integrated systems."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
            return None
        record = (
            ApiToken.objects.select_related("client", "client__jurisdiction").filter(prefix=parts[1]).first()
        )
        if record is None or not hmac.compare_digest(record.key_hash, hash_token(token)):
            return None
        now = timezone.now()
        if record.revoked_at or (record.expires_at and record.expires_at <= now) or not record.client.active:
            return None
        if record.last_used_at is None or now - record.last_used_at > timedelta(minutes=1):
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        return Actor.for_client(record.client)


class SessionActorAuth(SessionAuth):
    """A logged-in member of staff (Django session); CSRF-checked on unsafe methods."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = request.user
        if not user.is_authenticated:
            return None
        return Actor.for_user(user)  # type: ignore[arg-type]


def lockout_response(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """What django-axes answers once a (username, address) pair is locked out."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("Too many failed log-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}
    return JsonResponse(
        {"error": {"code": "login_locked", "message": message, "details": {"retry_after_minutes": minutes}}},
        status=429,
    )
