"""Rate limits that hold: keyed on the trusted client address (`zhiguan.network`) or the actor, and
counted in the shared cache (Redis, or the database cache of the embedded set-up), so that every
gunicorn worker sees the same counts and a made-up `X-Forwarded-For` is no new identity.

Each throttle names the setting that holds its rate ("30/m"); the rate is read when a request
arrives, never bound at import (a test or an operator changing it is honoured).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, AuthRateThrottle

from zhiguan.network import client_address


class _SettingRate:
    setting = ""

    def __init__(self, setting: str, *, scope: str | None = None) -> None:
        self.setting = setting
        if scope:
            self.scope = scope
        # No rate yet: `allow_request` reads it (SimpleRateThrottle.__init__ would bind it now).
        self.rate = None
        self.num_requests, self.duration = None, None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[attr-defined]
        return super().allow_request(request)  # type: ignore[misc]

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request)


class AnonThrottle(_SettingRate, AnonRateThrottle):
    """Requests without a log-in, per client address."""


class ActorThrottle(_SettingRate, AuthRateThrottle):
    """Requests of one person or machine client; anonymous ones per client address."""

    def get_cache_key(self, request: HttpRequest) -> str:
        actor = getattr(request, "auth", None)
        if actor is not None and getattr(actor, "user", None) is not None:
            ident = f"user:{actor.user.pk}"
        elif actor is not None and getattr(actor, "client", None) is not None:
            ident = f"client:{actor.client.pk}"
        else:
            ident = f"addr:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
