"""SMS backends, chosen by ZHIGUAN_SMS_BACKEND: `outbox` (the default: kept in the outbox, visible in
the admin, nothing leaves) or `http` (POST JSON to the district's SMS gateway at ZHIGUAN_SMS_URL with
the bearer token ZHIGUAN_SMS_TOKEN). A backend raises `GatewayError` for a failure worth retrying;
the delivery task retries it with Celery's back-off."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from zhiguan.notifications.models import MessageStatus, OutboxMessage


class GatewayError(Exception):
    """The gateway did not take the message (network, 5xx, 429): delivery is retried."""


class RefusedByGateway(Exception):
    """The gateway refused the message itself (bad number, bad token): not retried."""


class SmsBackend(Protocol):
    name: str

    def deliver(self, message: OutboxMessage) -> str:
        """Deliver one message; returns the status it ends in (kept or sent)."""


class OutboxBackend:
    """Keeps the message in the outbox only: for the demo, tests and installations without a gateway."""

    name = "outbox"

    def deliver(self, message: OutboxMessage) -> str:
        return MessageStatus.KEPT


class HttpGatewayBackend:
    """The district's SMS gateway: one JSON POST per message, `Authorization: Bearer <token>`."""

    name = "http"

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        if not url:
            raise ImproperlyConfigured("ZHIGUAN_SMS_BACKEND=http needs ZHIGUAN_SMS_URL.")
        self.url, self.token, self.timeout = url, token, timeout

    def deliver(self, message: OutboxMessage) -> str:
        body = json.dumps(
            {"id": message.pk, "phone": message.phone, "text": message.text, "purpose": message.purpose},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise GatewayError(f"HTTP {exc.code}") from exc
            # A 4xx other than 429 will not get better by retrying: the message is refused.
            raise RefusedByGateway(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise GatewayError(str(exc)[:200]) from exc
        return MessageStatus.SENT


def configured_backend() -> SmsBackend:
    """The backend named by ZHIGUAN_SMS_BACKEND (read at each delivery, so a test may change it)."""
    name = settings.ZHIGUAN_SMS_BACKEND
    if name == "outbox":
        return OutboxBackend()
    if name == "http":
        return HttpGatewayBackend(settings.ZHIGUAN_SMS_URL, settings.ZHIGUAN_SMS_TOKEN)
    raise ImproperlyConfigured(f"Unknown ZHIGUAN_SMS_BACKEND {name!r} (outbox or http).")
