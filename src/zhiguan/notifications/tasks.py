"""Delivery of outbox messages: one Celery task per message, retried with back-off on gateway errors."""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.utils import timezone

from zhiguan.celery import app
from zhiguan.notifications.backends import GatewayError, RefusedByGateway, configured_backend
from zhiguan.notifications.models import MessageStatus, OutboxMessage

MAX_RETRIES = 5


def mark_failed(message_id: int, error: BaseException) -> None:
    """The message ends `failed`, with the reason (visible in the admin)."""
    OutboxMessage.objects.filter(pk=message_id).update(
        status=MessageStatus.FAILED, last_error=str(error)[:255]
    )


@app.task(
    name="notifications.deliver_sms",
    bind=True,
    autoretry_for=(GatewayError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def deliver_sms(self: Any, message_id: int) -> None:
    """Hand one queued message to the configured backend; a message already delivered is left alone.

    A busy or unreachable gateway (`GatewayError`) is retried by Celery with exponential back-off,
    up to five times; then, or at once when the gateway refuses the message, it ends `failed`
    with the reason, visible in the admin."""
    message = OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED).first()
    if message is None:
        return
    backend = configured_backend()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=F("attempts") + 1, backend=backend.name)
    try:
        status = backend.deliver(message)
    except RefusedByGateway as exc:
        mark_failed(message.pk, exc)
        return
    except GatewayError as exc:
        if self.request.retries >= MAX_RETRIES:
            mark_failed(message.pk, exc)
            return
        OutboxMessage.objects.filter(pk=message.pk).update(last_error=str(exc)[:255])
        raise
    OutboxMessage.objects.filter(pk=message.pk).update(status=status, sent_at=timezone.now(), last_error="")
