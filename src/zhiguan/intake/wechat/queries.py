"""Reads: the district's account settings and the notices sent about a case (within the data scope)."""

from __future__ import annotations

from typing import Any

from zhiguan.cases.queries import get_case
from zhiguan.intake.wechat.models import WechatAccount
from zhiguan.notifications.models import CitizenNotice
from zhiguan.org.permissions import Actor, require
from zhiguan.org.services import mask_phone


def account_settings(actor: Actor) -> dict[str, Any]:
    """What the administrator sees: never the secrets, only whether they are set."""
    require(actor, "client.manage")
    path = f"/wechat/{actor.jurisdiction.code}"
    account = WechatAccount.objects.filter(jurisdiction=actor.jurisdiction).first()
    if account is None:
        return {"configured": False, "callback_path": path}
    return {
        "configured": True,
        "name": account.name,
        "appid": account.appid,
        "mode": account.mode,
        "template_id": account.template_id,
        "api_base": account.api_base,
        "active": account.active,
        "default_category_id": account.default_category_id,
        "has_app_secret": bool(account.app_secret),
        "has_token": bool(account.token),
        "has_encoding_aes_key": bool(account.encoding_aes_key),
        "callback_path": path,
    }


def _mask(channel: str, address: str) -> str:
    if channel == "sms":
        return mask_phone(address)
    return address[:4] + "…" + address[-4:] if len(address) > 10 else "…"


def case_notices(actor: Actor, number: str) -> list[dict[str, Any]]:
    """The notices the case's citizen was sent, newest first (404 for a case out of scope)."""
    case = get_case(actor, number)
    rows = CitizenNotice.objects.filter(jurisdiction_id=case.jurisdiction_id, case_id=case.pk).select_related(
        "sms"
    )
    return [
        {
            "id": n.pk,
            "created_at": n.created_at,
            "sent_at": n.sent_at,
            "purpose": n.purpose,
            "channel": n.channel,
            "address": _mask(n.channel, n.address),
            # An SMS is handed to the SMS outbox: its state there is what the citizen got.
            "status": n.sms.status if n.sms is not None else n.status,
            "text": n.text,
            "last_error": n.sms.last_error if n.sms is not None else n.last_error,
        }
        for n in rows.order_by("-created_at", "-id")
    ]
