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


def finish_notice(notice_id: int, status: str, *, error: BaseException | None = None) -> None:
    """A citizen notice ends in `status` (sent, kept or failed with the reason)."""
    from zhiguan.notifications.models import CitizenNotice, NoticeStatus

    changes: dict[str, Any] = {"status": status, "last_error": str(error)[:255] if error else ""}
    if status in (NoticeStatus.SENT, NoticeStatus.KEPT):
        changes["sent_at"] = timezone.now()
    CitizenNotice.objects.filter(pk=notice_id).update(attempts=F("attempts") + 1, **changes)


@app.task(
    name="notifications.deliver_notice",
    bind=True,
    autoretry_for=(GatewayError,),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def deliver_notice(self: Any, notice_id: int) -> None:
    """Hand one queued citizen notice to its adapter (WeChat template messages); a notice already
    delivered is left alone. Retried with back-off like an SMS; then, or at once when refused, it
    ends `failed` with the reason."""
    from zhiguan.notifications.citizen import adapter
    from zhiguan.notifications.models import CitizenNotice, NoticeStatus

    notice = (
        CitizenNotice.objects.select_related("jurisdiction")
        .filter(pk=notice_id, status=NoticeStatus.QUEUED)
        .first()
    )
    if notice is None:
        return
    try:
        status = adapter(notice.channel).deliver(notice)
    except RefusedByGateway as exc:
        finish_notice(notice.pk, NoticeStatus.FAILED, error=exc)
        return
    except GatewayError as exc:
        if self.request.retries >= MAX_RETRIES:
            finish_notice(notice.pk, NoticeStatus.FAILED, error=exc)
            return
        CitizenNotice.objects.filter(pk=notice.pk).update(
            attempts=F("attempts") + 1, last_error=str(exc)[:255]
        )
        raise
    finish_notice(notice.pk, status)
