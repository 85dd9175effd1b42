"""Notices to citizens: one interface, several adapters (docs/decisions/077).

`notify_case` is the one entry point for a notice about a case (receipt, progress, rating link,
answer to a consultation). It decides the adapter by the way the citizen came: an app that knows a
better address for a case (the WeChat app knows the OpenID of a case reported by WeChat) registers a
*route*; without one, the reporter's mobile gets an SMS; without a mobile nothing is sent. Each
notice has a key ("case:12:received"): the same key never makes a second notice, so a listener
called twice, a retried task or two apps asking for the same receipt send one message. A citizen who
opted out of a channel gets nothing there (the notice is kept as `opted_out`, for the record).

Adapters:
- `outbox`: kept in the table, nothing leaves (the default for any channel not configured);
- `sms`: the SMS outbox (`notifications.services.send_sms`, its own gateway and retries);
- `wechat`: template messages, plugged in by the WeChat app (`register_adapter`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from celery.exceptions import Retry
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhiguan.audit import services as audit
from zhiguan.notifications.models import CitizenNotice, CitizenOptOut, NoticeStatus
from zhiguan.notifications.services import mobile_number, send_sms
from zhiguan.tenancy.models import Jurisdiction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Route:
    """Where a citizen is reached: the adapter's name and the address it knows (phone, OpenID)."""

    channel: str
    address: str


class NoticeAdapter(Protocol):
    name: str
    # True: delivered in the caller's transaction (the SMS outbox queues and retries on its own).
    immediate: bool

    def deliver(self, notice: CitizenNotice) -> str:
        """Deliver one notice; returns the status it ends in. Raises `backends.GatewayError` for a
        failure worth retrying, `backends.RefusedByGateway` for one that is not."""


class OutboxAdapter:
    """Keeps the notice in the table: for channels without a configured gateway, demos and tests."""

    name = "outbox"
    immediate = True

    def deliver(self, notice: CitizenNotice) -> str:
        return NoticeStatus.KEPT


class SmsAdapter:
    """Through the SMS outbox: the text message is queued in the same transaction."""

    name = "sms"
    immediate = True

    def deliver(self, notice: CitizenNotice) -> str:
        message = send_sms(
            jurisdiction=notice.jurisdiction, phone=notice.address, text=notice.text, purpose=notice.purpose
        )
        notice.sms = message
        CitizenNotice.objects.filter(pk=notice.pk).update(sms=message)
        return NoticeStatus.SENT


_ADAPTERS: dict[str, NoticeAdapter] = {"outbox": OutboxAdapter(), "sms": SmsAdapter()}
_ROUTES: list[Callable[[int], Route | None]] = []


def register_adapter(adapter: NoticeAdapter) -> None:
    """Plug in an adapter (called from an app's `ready()`); the same name replaces the earlier one."""
    _ADAPTERS[adapter.name] = adapter


def register_route(route: Callable[[int], Route | None]) -> None:
    """Plug in a route: given a case id, the address of the channel the citizen came by, or None."""
    if route not in _ROUTES:
        _ROUTES.append(route)


def adapter(name: str) -> NoticeAdapter:
    return _ADAPTERS.get(name) or _ADAPTERS["outbox"]


def route_for(case_id: int, phone: str = "") -> Route | None:
    """The channel the citizen came by decides: a registered route first, else SMS to a mobile."""
    for route in _ROUTES:
        found = route(case_id)
        if found is not None:
            return found
    number = mobile_number(phone)
    return Route("sms", number) if number else None


def opted_out(jurisdiction: Jurisdiction, channel: str, address: str) -> bool:
    return CitizenOptOut.objects.filter(jurisdiction=jurisdiction, channel=channel, address=address).exists()


def set_opt_out(
    *, jurisdiction: Jurisdiction, channel: str, address: str, out: bool, actor: Any = None, note: str = ""
) -> bool:
    """Record (out=True) or lift a citizen's wish for no notices on `channel`; audited (under the
    staff member who recorded it, else the citizen's own channel), idempotent. True when it changed."""
    with transaction.atomic():
        if out:
            _row, changed = CitizenOptOut.objects.get_or_create(
                jurisdiction=jurisdiction, channel=channel, address=address
            )
        else:
            changed = bool(
                CitizenOptOut.objects.filter(
                    jurisdiction=jurisdiction, channel=channel, address=address
                ).delete()[0]
            )
        if changed:
            audit.record(
                actor=actor,
                action="notification.opted_out" if out else "notification.opted_in",
                target=jurisdiction,
                after={"channel": channel},
                note=note[:255],
                jurisdiction_id=jurisdiction.pk,
            )
    return changed


def notify_case(
    *,
    jurisdiction: Jurisdiction,
    case_id: int,
    case_number: str,
    key: str,
    purpose: str,
    text: str,
    phone: str = "",
    data: dict[str, Any] | None = None,
    sent_inline: bool = False,
) -> CitizenNotice | None:
    """One notice about a case, by the citizen's own channel; None when the citizen cannot be
    reached or this key was already sent (never twice). Stored in the caller's transaction (a
    rollback sends nothing); an adapter that talks to another system is called after commit by the
    `notifications.deliver_notice` task, retried with back-off. A failing adapter never fails the
    caller: the notice ends `failed` with the reason. `sent_inline`: the caller has already said
    it to the citizen (WeChat's passive reply), the notice is only recorded as sent."""
    route = route_for(case_id, phone)
    if route is None:
        return None
    full_key = f"case:{case_id}:{key}"[:96]
    if CitizenNotice.objects.filter(jurisdiction=jurisdiction, key=full_key).exists():
        return None
    if sent_inline:
        status = NoticeStatus.SENT
    elif opted_out(jurisdiction, route.channel, route.address):
        status = NoticeStatus.OPTED_OUT
    else:
        status = NoticeStatus.QUEUED
    try:
        with transaction.atomic():
            notice = CitizenNotice.objects.create(
                jurisdiction=jurisdiction,
                key=full_key,
                case_id=case_id,
                case_number=case_number,
                purpose=purpose[:32],
                channel=route.channel,
                address=route.address,
                text=text,
                data=data or {},
                status=status,
                sent_at=timezone.now() if sent_inline else None,
            )
            audit.record(
                actor=None,
                action="notification.citizen_notice",
                target=notice,
                after={"purpose": notice.purpose, "channel": notice.channel, "case": case_number},
                jurisdiction_id=jurisdiction.pk,
            )
            if status == NoticeStatus.QUEUED:
                chosen = adapter(route.channel)
                if chosen.immediate:
                    _deliver_now(notice, chosen)
                else:
                    transaction.on_commit(lambda: _deliver_later(notice.pk), robust=True)
    except IntegrityError:
        return None  # the same notice, asked for at the same moment by another process
    return notice


def _deliver_now(notice: CitizenNotice, chosen: NoticeAdapter) -> None:
    from zhiguan.notifications.tasks import finish_notice

    try:
        with transaction.atomic():
            status = chosen.deliver(notice)
    except Exception as exc:  # a gateway, or the SMS outbox refusing the text: never the caller's error
        finish_notice(notice.pk, NoticeStatus.FAILED, error=exc)
        return
    finish_notice(notice.pk, status)


def _deliver_later(notice_id: int) -> None:
    from zhiguan.notifications import tasks

    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            try:
                tasks.deliver_notice.apply(args=[notice_id], throw=False)
            except Retry as exc:
                tasks.finish_notice(notice_id, NoticeStatus.FAILED, error=exc.exc or exc)
        else:
            tasks.deliver_notice.delay(notice_id)
    except Exception:  # the broker is down: the notice stays queued, visible in the admin
        logger.warning("Notice %s not handed to the task queue", notice_id, exc_info=True)
