"""Citizens' notice opt-outs for staff (docs/decisions/085): a caller who asks on the hotline for no
more SMS is recorded by the operator; the list shows every channel's opt-outs (WeChat users opt out
themselves with 退订); lifting one is audited too. Phone numbers are masked in the list and found
by the full number. Needs `case.reveal`: the numbers are the callers' personal data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput, NotFound
from zhiguan.notifications import citizen
from zhiguan.notifications.models import CitizenOptOut
from zhiguan.notifications.services import mobile_number
from zhiguan.org.permissions import Actor, require
from zhiguan.org.services import mask_phone

CHANNELS = ("sms", "wechat")


def _mask(row: CitizenOptOut) -> str:
    if row.channel == "sms":
        return mask_phone(row.address)
    # An OpenID is no secret of the caller's, but it is long and means nothing to staff.
    return f"{row.address[:6]}…{row.address[-4:]}" if len(row.address) > 12 else row.address


def out(row: CitizenOptOut) -> dict[str, Any]:
    return {"id": row.pk, "channel": row.channel, "address": _mask(row), "created_at": row.created_at}


def opt_outs(actor: Actor, *, channel: str | None, number: str | None, limit: int) -> list[dict[str, Any]]:
    require(actor, "case.reveal")
    qs = CitizenOptOut.objects.filter(jurisdiction_id=actor.jurisdiction.pk)
    if channel:
        qs = qs.filter(channel=channel)
    if number:
        phone = mobile_number(number)
        qs = qs.filter(channel="sms", address=phone or number.strip())
    return [out(r) for r in qs.order_by("-created_at", "-id")[:limit]]


def add(actor: Actor, *, phone: str, note: str = "") -> tuple[CitizenOptOut, bool]:
    """A caller's wish for no more SMS; (row, created). 422 `not_mobile` for a number that gets none."""
    require(actor, "case.reveal")
    number = mobile_number(phone)
    if number is None:
        raise InvalidInput(
            _("Not a mobile number: SMS notices go to mobiles only."), code="not_mobile", field="phone"
        )
    changed = citizen.set_opt_out(
        jurisdiction=actor.jurisdiction, channel="sms", address=number, out=True, actor=actor, note=note
    )
    row = CitizenOptOut.objects.get(jurisdiction_id=actor.jurisdiction.pk, channel="sms", address=number)
    return row, changed


def remove(actor: Actor, opt_out_id: int, *, note: str = "") -> None:
    require(actor, "case.reveal")
    row = CitizenOptOut.objects.filter(pk=opt_out_id, jurisdiction_id=actor.jurisdiction.pk).first()
    if row is None:
        raise NotFound()
    citizen.set_opt_out(
        jurisdiction=actor.jurisdiction,
        channel=row.channel,
        address=row.address,
        out=False,
        actor=actor,
        note=note,
    )
