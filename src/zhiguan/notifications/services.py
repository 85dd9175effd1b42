"""Sending a text message: `send_sms` is the one entry point; the backend is an adapter (backends.py)."""

from __future__ import annotations

import logging
import re

from celery.exceptions import Retry
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput
from zhiguan.notifications import tasks
from zhiguan.notifications.models import OutboxMessage
from zhiguan.tenancy.models import Jurisdiction

logger = logging.getLogger(__name__)

# Mainland mobile numbers (an SMS to a landline goes nowhere); +86 / 0086 prefixes are dropped.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_SMS_CHARS = 500


def mobile_number(phone: str) -> str | None:
    """The 11-digit mobile number in `phone`, or None when it is not a mobile number."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
    return digits if _MOBILE.match(digits) else None


def send_sms(*, jurisdiction: Jurisdiction, phone: str, text: str, purpose: str) -> OutboxMessage:
    """Queue one SMS: stored in the outbox within the caller's transaction (a rollback sends nothing),
    delivered by the `notifications.deliver_sms` task after commit. 422 `not_mobile` for a number
    that cannot receive an SMS, 422 `message_too_long` over 500 characters; nothing is stored then."""
    number = mobile_number(phone)
    if number is None:
        raise InvalidInput(_("This is not a mobile phone number."), code="not_mobile", field="phone")
    if not text.strip() or len(text) > MAX_SMS_CHARS:
        raise InvalidInput(_("The message is empty or too long."), code="message_too_long", field="text")
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            jurisdiction=jurisdiction, phone=number, text=text, purpose=purpose[:32]
        )
        audit.record(
            actor=None,
            action="notification.sms_queued",
            target=message,
            after={"purpose": message.purpose},
            jurisdiction_id=jurisdiction.pk,
        )
        # Robust: a gateway that is down must never fail the citizen's request that queued the text.
        transaction.on_commit(lambda: _deliver(message.pk), robust=True)
    return message


def _deliver(message_id: int) -> None:
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # In-process (embedded set-up): never raising into the citizen's request. Celery runs
            # eager retries at once while tasks propagate errors (CELERY_TASK_EAGER_PROPAGATES),
            # so a gateway still failing then is marked failed: there is no worker to retry later.
            try:
                tasks.deliver_sms.apply(args=[message_id], throw=False)
            except Retry as exc:
                tasks.mark_failed(message_id, exc.exc or exc)
        else:
            tasks.deliver_sms.delay(message_id)
    except Exception:  # the broker is down: the message stays queued, visible in the admin
        logger.warning("SMS %s not handed to the task queue", message_id, exc_info=True)
