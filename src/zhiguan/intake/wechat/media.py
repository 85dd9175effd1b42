"""A citizen's WeChat photo, fetched after the reply (docs/decisions/085).

WeChat waits five seconds for the passive reply; a photo is therefore only *noted* in the callback
(`{"media_id", "pic_url", "state": "pending"}` on the conversation) and fetched afterwards by the
task `wechat.fetch_photos` (queued after the commit when a worker runs; in the embedded set-up the
periodic sweep `wechat.sweep_photos` takes it a few seconds later). Sources, in order:

1. `PicUrl`, only on a host of `ZHIGUAN_WECHAT_PICURL_HOSTS` (WeChat's picture CDN by default) —
   a forged message cannot make the server fetch an address of its choosing (no SSRF); redirects
   are not followed;
2. `MediaId` through the platform's `cgi-bin/media/get` with the account's access token (needs the
   AppSecret): it survives a PicUrl that has expired or is refused.

The photo is checked as every upload is (`cases.services.upload_attachment`). Fetched while the
conversation is open, it joins the draft; fetched after the case was registered, it is added to the
case with the annotation `wechat_photo`. After `MAX_TRIES` failures the photo is marked failed.
"""

from __future__ import annotations

import logging
import os
import urllib.parse
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from zhiguan.cases import services as cases
from zhiguan.errors import DomainError
from zhiguan.intake.wechat.models import ConversationState, WechatAccount, WechatConversation

logger = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_TRIES = 3
PENDING, FETCHED, FAILED = "pending", "fetched", "failed"
DEFAULT_HOSTS = "mmbiz.qpic.cn,mmbiz.qlogo.cn,mmsns.qpic.cn"
ANNOTATION = "wechat_photo"


def allowed_hosts() -> list[str]:
    raw = getattr(settings, "ZHIGUAN_WECHAT_PICURL_HOSTS", None)
    if raw is None:
        raw = os.environ.get("ZHIGUAN_WECHAT_PICURL_HOSTS", DEFAULT_HOSTS)
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return [h.strip().lower() for h in items if h.strip()]


def pic_url_allowed(url: str) -> bool:
    """An http(s) URL on an allowed host (the host itself or a sub-domain of it), no user info."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        return False
    return any(host == allowed or host.endswith("." + allowed) for allowed in allowed_hosts())


def _timeout() -> float:
    return float(getattr(settings, "ZHIGUAN_WECHAT_MEDIA_TIMEOUT", 3)) * 3  # off the 5 s window now


def _read(response: requests.Response) -> bytes | None:
    if response.status_code != 200:
        return None
    data = b""
    for chunk in response.iter_content(64 * 1024):
        data += chunk
        if len(data) > MAX_PHOTO_BYTES:
            return None
    return data


def _from_pic_url(url: str) -> bytes | None:
    if not pic_url_allowed(url):
        return None
    try:
        with requests.get(url, timeout=_timeout(), allow_redirects=False, stream=True) as response:
            return _read(response)
    except requests.RequestException:
        return None


def _from_media_id(account: WechatAccount, media_id: str) -> bytes | None:
    """`cgi-bin/media/get`: the picture's bytes, or a JSON error (an unknown or expired MediaId)."""
    if not media_id or not account.app_secret:
        return None
    from zhiguan.intake.wechat.notices import WechatTemplateAdapter
    from zhiguan.notifications.backends import GatewayError, RefusedByGateway

    try:
        token = WechatTemplateAdapter()._token(account)
    except (GatewayError, RefusedByGateway):
        return None
    url = f"{account.api_base.rstrip('/')}/cgi-bin/media/get"
    try:
        with requests.get(
            url,
            params={"access_token": token, "media_id": media_id},
            timeout=_timeout(),
            allow_redirects=False,
            stream=True,
        ) as response:
            if response.headers.get("Content-Type", "").startswith(("application/json", "text/plain")):
                # {"errcode": 40001|42001, ...}: the token was replaced; a new one next try.
                WechatAccount.objects.filter(pk=account.pk).update(
                    access_token="", access_token_expires_at=None
                )
                return None
            return _read(response)
    except requests.RequestException:
        return None


def fetch(account: WechatAccount, photo: dict[str, Any]) -> bytes | None:
    """The photo's bytes from PicUrl, else by MediaId; None when neither gives them."""
    return _from_pic_url(photo.get("pic_url", "")) or _from_media_id(account, photo.get("media_id", ""))


def _store(actor: Any, data: bytes, name: str) -> int | None:
    upload = SimpleUploadedFile(name, data)
    try:
        with transaction.atomic():
            return cases.upload_attachment(
                actor=actor, upload=upload, allowed=cases.IMAGE_TYPES, field="photo"
            ).pk
    except DomainError:
        return None


def fetch_photos(conversation_id: int) -> dict[str, int]:
    """Fetch the conversation's pending photos (network outside any transaction), then write the
    outcome under the row lock. Returns counts by outcome."""
    from zhiguan.intake.wechat.services import channel_actor

    conv = WechatConversation.objects.select_related("account", "account__jurisdiction").get(
        pk=conversation_id
    )
    account = conv.account
    actor = channel_actor(account.jurisdiction)
    results: dict[int, int | None] = {}
    for index, photo in enumerate(conv.photos):
        if photo.get("state", FETCHED) != PENDING:
            continue
        data = fetch(account, photo)
        results[index] = _store(actor, data, f"wechat-{photo.get('media_id') or index}.jpg") if data else None
    counts = {FETCHED: 0, FAILED: 0, PENDING: 0}
    if not results:
        return counts
    late: list[int] = []
    with transaction.atomic():
        conv = WechatConversation.objects.select_for_update().get(pk=conversation_id)
        photos = list(conv.photos)
        for index, attachment_id in results.items():
            photo = dict(photos[index])
            if attachment_id is not None:
                photo.update(state=FETCHED, attachment_id=attachment_id)
                if conv.state == ConversationState.SUBMITTED:
                    late.append(attachment_id)
            else:
                photo["tries"] = int(photo.get("tries", 0)) + 1
                photo["state"] = FAILED if photo["tries"] >= MAX_TRIES else PENDING
            photos[index] = photo
            counts[photo["state"]] += 1
        conv.photos = photos
        conv.save(update_fields=["photos", "updated_at"])
        if late and conv.case_id is not None:
            # The case was registered before its photo arrived: the photo joins it on the timeline.
            cases.annotate(
                actor=actor,
                case_id=conv.case_id,
                action=ANNOTATION,
                note="",
                payload={"photos": len(late)},
                attachment_ids=late,
            )
    return counts


def pending_conversations(*, older_than_seconds: float = 0, limit: int = 200) -> Iterable[int]:
    """Conversations with a photo still to fetch, quiet for a moment (a worker may be on it)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    since = timezone.now() - timedelta(days=3)  # WeChat keeps media three days
    qs = WechatConversation.objects.filter(updated_at__lte=cutoff, updated_at__gte=since).filter(
        state__in=(ConversationState.OPEN, ConversationState.SUBMITTED)
    )
    # JSON containment differs by database; the pending marker is matched as text on both.
    return list(
        qs.filter(photos__icontains=f'"state": "{PENDING}"')
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
