"""What a citizen hears about their case, and WeChat template messages as the adapter for cases
reported by WeChat (docs/decisions/077).

`on_case_changed` (a `case_changed` listener, after commit) sends, through
`notifications.citizen.notify_case` (the citizen's own channel, once per case and state):
- the receipt at registration (the portal and WeChat already gave it in their answer: not repeated);
- progress when the public status changes: handed to a department (处理中), not accepted, merged;
- the answer to a consultation answered at intake, with the answer itself;
- to the reporters of requests merged into the case, its handing to a department
  (`tell_merged_reporters`, docs/decisions/087).
The rating link after closure is sent by `intake.citizen.text_rating_link` through the same door.
Internal steps (returns, supervision, extensions) are never news for the citizen.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiguan.cases.models import Case, CaseEvent, Channel
from zhiguan.cases.status import Status
from zhiguan.intake.publicstatus import PublicStatus, public_status
from zhiguan.intake.wechat.models import ConversationState, WechatAccount, WechatConversation
from zhiguan.intake.wechat.services import public_status_words
from zhiguan.notifications import citizen
from zhiguan.notifications.backends import GatewayError, RefusedByGateway
from zhiguan.notifications.models import CitizenNotice, NoticeStatus

logger = logging.getLogger(__name__)

# Channels where the reporter is the citizen (an inspector or a camera is not told of progress).
CITIZEN_CHANNELS = {Channel.HOTLINE, Channel.WEB, Channel.APP, Channel.WECHAT}
# Public statuses worth a notice on their own (done is the rating link or the answer).
NEWS = {PublicStatus.IN_PROGRESS, PublicStatus.NOT_ACCEPTED, PublicStatus.MERGED}
MAX_ANSWER = 400  # an SMS holds 500 characters, the district's name and number included


def wechat_route(case_id: int) -> citizen.Route | None:
    """A case reported through WeChat is answered through WeChat, to the reporter's OpenID."""
    conv = (
        WechatConversation.objects.filter(
            case_id=case_id, state=ConversationState.SUBMITTED, account__active=True
        )
        .only("openid")
        .first()
    )
    return citizen.Route("wechat", conv.openid) if conv is not None else None


def _phone(case: Case) -> str:
    return next((r.phone for r in case.reporters.all() if citizen.mobile_number(r.phone)), "")


def on_case_changed(sender: Any, case_id: int, event_id: int, action: str = "", **kwargs: Any) -> None:
    """`case_changed` listener: the notice a citizen cares about for this step, if any."""
    event = CaseEvent.objects.filter(pk=event_id).select_related("case", "case__jurisdiction").first()
    if event is None:
        return
    tell_merged_reporters(event)
    if event.case.channel not in CITIZEN_CHANNELS:
        return
    case = event.case
    status = public_status(event.to_status)
    link = ""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        facts = {"district": case.jurisdiction.name, "number": case.number}
        if action == "register":
            key, purpose = "received", "case_registered"
            text = _(
                "[%(district)s] Your report has been received, number %(number)s. Follow it: %(link)s"
            ) % {**facts, "link": _follow(case.number)}
        elif action == "answer":
            key, purpose = "answered", "case_answered"
            link = _rating_link(case)
            answer = event.note.strip()
            # The answer and its rating link in one message (docs/decisions/085): the answer
            # yields room to the link.
            room = MAX_ANSWER - len(link)
            if len(answer) > room:
                answer = answer[: max(room, 40) - 1] + "…"
            text = _("[%(district)s] The answer to your question %(number)s: %(answer)s") % {
                **facts,
                "answer": answer,
            }
            if link:
                text += " " + _("Please rate the answer: %(link)s") % {"link": link}
        elif status in NEWS and (not event.from_status or public_status(event.from_status) != status):
            key, purpose = f"status:{status}", f"case_{status}"
            text = {
                PublicStatus.IN_PROGRESS: _(
                    "[%(district)s] Your report %(number)s has been handed to the department that deals with it."
                ),
                PublicStatus.NOT_ACCEPTED: _(
                    "[%(district)s] Your report %(number)s cannot be taken up. Follow it for the reason."
                ),
                PublicStatus.MERGED: _(
                    "[%(district)s] Your report %(number)s is handled together with a report of the same problem."
                ),
            }[status] % facts
        else:
            return
        citizen.notify_case(
            jurisdiction=case.jurisdiction,
            case_id=case.pk,
            case_number=case.number,
            key=key,
            purpose=purpose,
            text=text,
            phone=_phone(case),
            data={
                "status": status,
                "link": (_rating_link(case) if action == "answer" else "") or _follow(case.number),
            },
        )


def tell_merged_reporters(event: CaseEvent) -> None:
    """The reporters of the requests merged into this case hear of its progress too
    (docs/decisions/087): when it is handed to a department, each by their own channel, once per
    merged request (its own notice key). The closure's rating link is `intake.citizen`'s."""
    case = event.case
    status = public_status(event.to_status)
    if status != PublicStatus.IN_PROGRESS or (
        event.from_status and public_status(event.from_status) == status
    ):
        return
    merged = Case.objects.filter(
        merged_into_id=case.pk, status=Status.MERGED, channel__in=CITIZEN_CHANNELS
    ).prefetch_related("reporters")
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        for report in merged:
            text = _(
                "[%(district)s] The report %(target)s that your report %(number)s was merged into has "
                "been handed to the department that deals with it."
            ) % {"district": case.jurisdiction.name, "number": report.number, "target": case.number}
            citizen.notify_case(
                jurisdiction=case.jurisdiction,
                case_id=report.pk,
                case_number=report.number,
                key=f"joined:{case.pk}:{status}",
                purpose="case_in_progress",
                text=text,
                phone=_phone(report),
                data={"status": status, "link": _follow(report.number)},
            )


def _rating_link(case: Case) -> str:
    """The signed rating link of an answered consultation ('' when it has none)."""
    from zhiguan.intake import citizen as intake_citizen

    if case.closed_at is None:
        return ""
    return intake_citizen.rating_link(intake_citizen.callback_token(case))


def _follow(number: str) -> str:
    return f"{settings.ZHIGUAN_PUBLIC_URL}/follow/{number}"


class WechatTemplateAdapter:
    """Template messages (模板消息) through the platform's HTTP API at the account's API base:
    the access token from `cgi-bin/token` (kept until it expires), then
    `cgi-bin/message/template/send`. Without an AppSecret or a template the notice is kept in the
    outbox only."""

    name = "wechat"
    immediate = False
    timeout = 10.0

    def deliver(self, notice: CitizenNotice) -> str:
        account = WechatAccount.objects.filter(jurisdiction_id=notice.jurisdiction_id, active=True).first()
        if account is None or not account.app_secret or not account.template_id:
            return NoticeStatus.KEPT
        with translation.override(settings.LANGUAGE_CODE):
            status_words = public_status_words(notice.data.get("status", ""))
        body = {
            "touser": notice.address,
            "template_id": account.template_id,
            "url": notice.data.get("link", ""),
            "data": {
                "first": {"value": notice.text},
                "keyword1": {"value": notice.case_number},
                "keyword2": {"value": status_words},
                "keyword3": {"value": timezone.localtime(notice.created_at).strftime("%Y-%m-%d %H:%M")},
                "remark": {"value": notice.data.get("link", "")},
            },
        }
        answer = self._call(account, "cgi-bin/message/template/send", body)
        code = int(answer.get("errcode", 0) or 0)
        if code == 0:
            return NoticeStatus.SENT
        if code in (40001, 40014, 42001):  # the token expired or was replaced: a new one next try
            WechatAccount.objects.filter(pk=account.pk).update(access_token="", access_token_expires_at=None)
            raise GatewayError(f"errcode {code}")
        if code in (-1, 45009):  # system busy, daily quota reached
            raise GatewayError(f"errcode {code}")
        # 43004 the user unfollowed, 40037 bad template, 40003 bad OpenID: retrying will not help.
        raise RefusedByGateway(f"errcode {code} {str(answer.get('errmsg', ''))[:100]}")

    def _token(self, account: WechatAccount) -> str:
        now = timezone.now()
        if account.access_token and account.access_token_expires_at and account.access_token_expires_at > now:
            return account.access_token
        query = urllib.parse.urlencode(
            {"grant_type": "client_credential", "appid": account.appid, "secret": account.app_secret}
        )
        answer = self._request(f"{account.api_base.rstrip('/')}/cgi-bin/token?{query}", None)
        token = str(answer.get("access_token", ""))
        if not token:
            raise RefusedByGateway(f"no access token: errcode {answer.get('errcode')}")
        # Renewed five minutes early: a token the platform has just replaced is refused (40001).
        expires = now + timedelta(seconds=max(int(answer.get("expires_in", 7200)) - 300, 60))
        WechatAccount.objects.filter(pk=account.pk).update(
            access_token=token, access_token_expires_at=expires
        )
        return token

    def _call(self, account: WechatAccount, path: str, body: dict[str, Any]) -> dict[str, Any]:
        token = urllib.parse.quote(self._token(account))
        return self._request(f"{account.api_base.rstrip('/')}/{path}?access_token={token}", body)

    def _request(self, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        request = urllib.request.Request(
            url, data=data, method="POST" if data else "GET", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise GatewayError(str(exc)[:200]) from exc
        return answer if isinstance(answer, dict) else {}
