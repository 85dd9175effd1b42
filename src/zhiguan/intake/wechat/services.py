"""The WeChat callback and the conversations that become cases (docs/decisions/077).

The platform calls the district's callback URL: GET to verify it (echo `echostr` when the signature
holds), POST for every message a citizen sends, in plain or safe (AES) mode. A conversation per
OpenID collects text, photos and a location; "提交" (or a location after a description) registers
the case through `cases.services.register` (channel wechat) and the passive reply gives its number.
Errors answer as WeChat expects, never the JSON error shape: a bad signature is 403 in plain text,
a body that is not a WeChat message 400, an unsupported message a short help text; nothing is
created then.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case, Channel, RequestType
from zhiguan.errors import DomainError, InvalidInput
from zhiguan.intake.publicstatus import public_status
from zhiguan.intake.wechat import crypto, media
from zhiguan.intake.wechat.messages import (
    MalformedMessage,
    Message,
    encrypted_part,
    encrypted_reply,
    parse_message,
    parse_xml,
    text_reply,
)
from zhiguan.intake.wechat.models import ConversationState, Mode, WechatAccount, WechatConversation
from zhiguan.notifications import citizen as notices
from zhiguan.org.models import ApiClient, ClientKind
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

CLIENT_NAME = "微信公众号"
MAX_DESCRIPTION = 4000
MAX_PHOTOS = 9
SUBMIT_WORDS = {"提交", "完成", "确认提交", "submit"}
CANCEL_WORDS = {"取消", "重新开始", "cancel"}
PROGRESS_WORDS = {"进度", "查询", "查询进度", "progress"}
OPT_OUT_WORDS = {"退订", "td", "unsubscribe"}
OPT_IN_WORDS = {"订阅", "恢复通知"}
# Menu buttons (自定义菜单, click type) an administrator may create with these keys.
CLICK_REPORT, CLICK_PROGRESS = "REPORT", "PROGRESS"


@dataclass(frozen=True)
class Answer:
    """What the callback view sends back: WeChat reads plain text or XML, never our JSON."""

    status: int
    body: str
    content_type: str = "text/plain; charset=utf-8"


SUCCESS = Answer(200, "success")  # "no reply": WeChat shows nothing and does not retry


def _platform_language() -> Any:
    return translation.override(settings.LANGUAGE_CODE)


def account_for(jurisdiction_code: str) -> WechatAccount | None:
    return (
        WechatAccount.objects.select_related("jurisdiction")
        .filter(jurisdiction__code=jurisdiction_code, jurisdiction__active=True, active=True)
        .first()
    )


def _fresh(timestamp: str) -> bool:
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    return age <= settings.ZHIGUAN_WECHAT_MAX_SKEW_SECONDS


def _signed(account: WechatAccount, params: dict[str, str]) -> bool:
    timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
    return _fresh(timestamp) and crypto.signature_matches(
        params.get("signature", ""), account.token, timestamp, nonce
    )


def verify_url(*, jurisdiction_code: str, params: dict[str, str]) -> Answer:
    """The platform's URL check (服务器配置): `echostr` back, as is, when the signature holds."""
    account = account_for(jurisdiction_code)
    if account is None:
        return Answer(404, "unknown account")
    if not _signed(account, params):
        return Answer(403, "invalid signature")
    return Answer(200, params.get("echostr", ""))


def receive(*, jurisdiction_code: str, params: dict[str, str], body: bytes) -> Answer:
    """One POSTed message: checked, decrypted in safe mode, answered (encrypted when it came so)."""
    account = account_for(jurisdiction_code)
    if account is None:
        return Answer(404, "unknown account")
    if not _signed(account, params):
        return Answer(403, "invalid signature")
    try:
        root = parse_xml(body)
        encrypted = params.get("encrypt_type", "").lower() == "aes"
        if encrypted:
            part = encrypted_part(root)
            if not crypto.signature_matches(
                params.get("msg_signature", ""), account.token, params["timestamp"], params["nonce"], part
            ):
                return Answer(403, "invalid signature")
            box = crypto.MessageCrypto(encoding_aes_key=account.encoding_aes_key, appid=account.appid)
            root = parse_xml(box.decrypt(part).encode())
        elif account.mode == Mode.SAFE:
            return Answer(403, "encrypted messages only")
        message = parse_message(root)
    except (MalformedMessage, crypto.BadMessage, ValueError):
        return Answer(400, "invalid message")
    # WeChat sends an unanswered message again (three times in 15 s): the same answer, done once.
    seen = f"wechat:{account.pk}:{message.dedup_key}"
    reply = cache.get(seen)
    if reply is None:
        with _platform_language():
            reply = handle(account=account, message=message) or ""
        cache.set(seen, reply, 300)
    if not reply:
        return SUCCESS
    xml = text_reply(to_user=message.from_user, from_user=message.to_user, content=reply)
    if not encrypted:
        return Answer(200, xml, "application/xml; charset=utf-8")
    box = crypto.MessageCrypto(encoding_aes_key=account.encoding_aes_key, appid=account.appid)
    sealed = box.encrypt(xml)
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    return Answer(
        200,
        encrypted_reply(
            encrypt=sealed,
            msg_signature=crypto.signature(account.token, timestamp, nonce, sealed),
            timestamp=timestamp,
            nonce=nonce,
        ),
        "application/xml; charset=utf-8",
    )


def channel_actor(jurisdiction: Jurisdiction) -> Actor:
    """The Official Account acts as the district's machine client "微信公众号" (case.create only)."""
    client, _created = ApiClient.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=CLIENT_NAME,
        defaults={"kind": ClientKind.CHANNEL, "scopes": ["case.create"]},
    )
    return Actor.for_client(client)


def _help() -> str:
    return _(
        "Describe the problem in words; you may add photos and send your location. "
        'Send "提交" when you are done, "进度" to follow your reports.'
    )


def _open_conversation(account: WechatAccount, openid: str, *, create: bool) -> WechatConversation | None:
    """The citizen's draft, locked; one that went quiet too long is closed as expired first."""
    timeout = timezone.now() - timedelta(minutes=settings.ZHIGUAN_WECHAT_CONVERSATION_MINUTES)
    conv = (
        WechatConversation.objects.select_for_update()
        .filter(account=account, openid=openid, state=ConversationState.OPEN)
        .first()
    )
    if conv is not None and conv.updated_at < timeout:
        conv.state = ConversationState.EXPIRED
        conv.save(update_fields=["state", "updated_at"])
        conv = None
    if conv is None and create:
        try:
            with transaction.atomic():
                conv = WechatConversation.objects.create(
                    jurisdiction=account.jurisdiction, account=account, openid=openid
                )
        except IntegrityError:  # the same citizen's message arriving twice at once
            conv = WechatConversation.objects.select_for_update().get(
                account=account, openid=openid, state=ConversationState.OPEN
            )
    return conv


def handle(*, account: WechatAccount, message: Message) -> str | None:
    """What the citizen's message does; returns the passive reply's text (None: no reply)."""
    kind = message.msg_type
    if kind == "event":
        return _event(account, message)
    with transaction.atomic():
        if kind == "text":
            return _text(account, message)
        if kind == "image":
            return _image(account, message)
        if kind == "location":
            return _location(account, message)
    return _("Please send words, a photo or your location.")


def _event(account: WechatAccount, message: Message) -> str | None:
    event = message.event.lower()
    if event == "subscribe":
        notices.set_opt_out(
            jurisdiction=account.jurisdiction, channel="wechat", address=message.from_user, out=False
        )
        return _("Welcome. You can report a problem here.") + " " + _help()
    if event == "unsubscribe":
        # WeChat sends nothing to a user who left; the draft goes, the wish is recorded.
        with transaction.atomic():
            conv = _open_conversation(account, message.from_user, create=False)
            if conv is not None:
                conv.state = ConversationState.CANCELLED
                conv.save(update_fields=["state", "updated_at"])
            notices.set_opt_out(
                jurisdiction=account.jurisdiction, channel="wechat", address=message.from_user, out=True
            )
        return None
    if event == "click" and message.event_key == CLICK_PROGRESS:
        return progress(account, message.from_user)
    if event == "click" and message.event_key == CLICK_REPORT:
        return _help()
    if event == "location" and message.location_x is not None:
        # A position the user shares with the account: kept for a draft, no reply (WeChat expects none).
        with transaction.atomic():
            conv = _open_conversation(account, message.from_user, create=False)
            if conv is not None and conv.lat is None:
                conv.lat, conv.lng = message.location_x, message.location_y
                conv.save(update_fields=["lat", "lng", "updated_at"])
        return None
    return None


def _text(account: WechatAccount, message: Message) -> str:
    content = message.content.strip()
    word = content.lower()
    if word in PROGRESS_WORDS:
        return progress(account, message.from_user)
    if word in OPT_OUT_WORDS or word in OPT_IN_WORDS:
        out = word in OPT_OUT_WORDS
        notices.set_opt_out(
            jurisdiction=account.jurisdiction, channel="wechat", address=message.from_user, out=out
        )
        if out:
            return _('You will receive no more progress notices here. Send "订阅" to receive them again.')
        return _("You will receive progress notices here again.")
    if word in CANCEL_WORDS:
        conv = _open_conversation(account, message.from_user, create=False)
        if conv is not None:
            conv.state = ConversationState.CANCELLED
            conv.save(update_fields=["state", "updated_at"])
        return _("What you sent has been discarded.") + " " + _help()
    if word in SUBMIT_WORDS:
        conv = _open_conversation(account, message.from_user, create=False)
        if conv is None or not conv.description.strip():
            return _("Describe the problem in words first.") + " " + _help()
        return submit(account, conv)
    if not content:
        return _help()
    conv = _open_conversation(account, message.from_user, create=True)
    assert conv is not None
    joined = f"{conv.description}\n{content}".strip()
    if len(joined) > MAX_DESCRIPTION:
        return _('The description is too long (4,000 characters at most). Send "提交" or "取消".')
    conv.description = joined
    conv.save(update_fields=["description", "updated_at"])
    if conv.lat is None:
        return _('Noted. Add photos or send your location, then send "提交".')
    return _('Noted. Add photos if you wish, then send "提交".')


def _image(account: WechatAccount, message: Message) -> str:
    """The photo is noted, not fetched: WeChat waits 5 s for the reply. `media.fetch_photos` takes
    it from PicUrl (allowed hosts only) or by MediaId after the reply (docs/decisions/085)."""
    conv = _open_conversation(account, message.from_user, create=True)
    assert conv is not None
    if len(conv.photos) >= MAX_PHOTOS:
        return _('Nine photos at most. Send "提交" when you are done.')
    if not message.media_id and not media.pic_url_allowed(message.pic_url):
        return _("The photo could not be received; you may send it again.")
    conv.photos = [
        *conv.photos,
        {
            "media_id": message.media_id,
            "pic_url": message.pic_url,
            "attachment_id": None,
            "state": media.PENDING,
        },
    ]
    conv.save(update_fields=["photos", "updated_at"])
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        from zhiguan.intake.wechat import tasks

        conv_id = conv.pk
        transaction.on_commit(lambda: tasks.fetch_photos.delay(conv_id))
    if not conv.description.strip():
        return _("Photo received. Now describe the problem in words.")
    return _('Photo received. Send your location or "提交".')


def _location(account: WechatAccount, message: Message) -> str:
    if message.location_x is None or message.location_y is None:
        return _("The location could not be read; please send it again.")
    conv = _open_conversation(account, message.from_user, create=True)
    assert conv is not None
    conv.lat, conv.lng, conv.label = message.location_x, message.location_y, message.label
    conv.save(update_fields=["lat", "lng", "label", "updated_at"])
    if not conv.description.strip():
        return _("Location received. Now describe the problem in words.")
    # Text, then the place: that is a whole request, registered at once.
    return submit(account, conv)


def follow_link(number: str) -> str:
    return f"{settings.ZHIGUAN_PUBLIC_URL}/follow/{number}"


def submit(account: WechatAccount, conv: WechatConversation) -> str:
    """Register the conversation as a case (channel wechat); the reply names its number. A request
    the platform refuses (a place outside the district) keeps the draft and says why."""
    actor = channel_actor(account.jurisdiction)
    description = conv.description.strip()
    request_type = RequestType.CONSULTATION if description.startswith("咨询") else RequestType.COMPLAINT
    try:
        with cases.discard_on_error(), transaction.atomic():
            case, _created = cases.register(
                actor=actor,
                request_type=request_type,
                channel=Channel.WECHAT,
                category_id=account.default_category_id,
                description=description,
                reporters=[{"name": _("WeChat user"), "phone": ""}],
                lng=conv.lng,
                lat=conv.lat,
                crs="gcj02",  # WeChat's location messages are in GCJ-02 (Tencent maps)
                address=conv.label,
                external_ref=f"wechat:{conv.pk}",
                attachment_ids=[p["attachment_id"] for p in conv.photos if p.get("attachment_id")],
            )
            conv.state, conv.case = ConversationState.SUBMITTED, case
            conv.save(update_fields=["state", "case", "updated_at"])
            text = _(
                'Your report has been received, number %(number)s. Follow it: %(link)s (or send "进度").'
            ) % {"number": case.number, "link": follow_link(case.number)}
            # The passive reply is the receipt: recorded as sent, so no template message repeats it.
            notices.notify_case(
                jurisdiction=account.jurisdiction,
                case_id=case.pk,
                case_number=case.number,
                key="received",
                purpose="case_registered",
                text=text,
                sent_inline=True,
            )
    except DomainError as exc:  # a place outside the district, a category retired since: say why
        return str(exc.message) + " " + _('Send your location again, or "取消".')
    return text


def progress(account: WechatAccount, openid: str) -> str:
    """The citizen's last three reports with their public status."""
    rows = (
        WechatConversation.objects.filter(account=account, openid=openid, case__isnull=False)
        .select_related("case")
        .order_by("-id")[:3]
    )
    lines = [f"{c.case.number}：{public_status_label(c.case)}" for c in rows if c.case is not None]
    if not lines:
        return _("You have no reports yet.") + " " + _help()
    return "\n".join([_("Your reports:"), *lines])


def public_status_label(case: Case) -> str:
    return public_status_words(public_status(case.status))


def public_status_words(status: str) -> str:
    """The citizen's words for a public status (as on the portal's follow page)."""
    labels = {
        "accepted": _("Report accepted"),
        "in_progress": _("Report being handled"),
        "done": _("Report dealt with"),
        "rated": _("Report rated"),
        "not_accepted": _("Report not accepted"),
        "merged": _("Report handled with another"),
    }
    return labels.get(status, labels["in_progress"])


# Administration: the district's account settings.

EDITABLE = (
    "name",
    "appid",
    "app_secret",
    "token",
    "encoding_aes_key",
    "mode",
    "template_id",
    "api_base",
    "active",
    "default_category_id",
)


def configure_account(*, actor: Actor, changes: dict[str, Any]) -> WechatAccount:
    """Create or change the district's Official Account settings (client.manage). Safe and
    compatible modes need a valid 43-character EncodingAESKey; audited without the secrets."""
    require(actor, "client.manage")
    with transaction.atomic():
        account = WechatAccount.objects.select_for_update().filter(jurisdiction=actor.jurisdiction).first()
        if account is None:
            account = WechatAccount(jurisdiction=actor.jurisdiction)
        for name, value in changes.items():
            if name in EDITABLE and value is not None:
                setattr(account, name, value)
        for name in ("name", "appid", "token", "default_category_id"):
            if not str(getattr(account, name) or "").strip():
                raise InvalidInput(_("This field is required."), field=name)
        if not Category.objects.filter(
            pk=account.default_category_id, jurisdiction=actor.jurisdiction, retired_at__isnull=True
        ).exists():
            raise InvalidInput(
                _("Unknown or retired category."), code="unknown_category", field="default_category_id"
            )
        if account.mode != Mode.PLAIN or account.encoding_aes_key:
            try:
                crypto.aes_key(account.encoding_aes_key)
            except ValueError as exc:
                raise InvalidInput(
                    _("The EncodingAESKey has 43 letters and digits, as shown on the WeChat platform."),
                    code="invalid_aes_key",
                    field="encoding_aes_key",
                ) from exc
        if "app_secret" in changes or "appid" in changes:
            account.access_token, account.access_token_expires_at = "", None
        account.save()
        audit.record(
            actor=actor,
            action="wechat.account_configured",
            target=account,
            after={
                k: v
                for k, v in changes.items()
                if k in EDITABLE and k not in ("app_secret", "encoding_aes_key", "token")
            },
        )
    return account
