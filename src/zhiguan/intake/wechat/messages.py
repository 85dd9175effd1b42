"""The XML of WeChat messages (接收普通消息 / 接收事件推送 / 被动回复用户消息): parsed with
defusedxml (no entities, no external references), replies built as the platform documents them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MAX_BODY = 64 * 1024  # a message is a few hundred bytes; anything this large is not from WeChat


class MalformedMessage(Exception):
    """Not a WeChat message: not XML, no <xml> root, or a required element missing."""


@dataclass(frozen=True)
class Message:
    to_user: str  # the Official Account's own id (gh_...)
    from_user: str  # the citizen's OpenID
    create_time: int
    msg_type: str  # text, image, location, voice, video, link, event, ...
    msg_id: str = ""
    content: str = ""
    pic_url: str = ""
    media_id: str = ""
    location_x: float | None = None  # latitude (GCJ-02)
    location_y: float | None = None  # longitude (GCJ-02)
    label: str = ""
    event: str = ""  # subscribe, unsubscribe, CLICK, LOCATION, ...
    event_key: str = ""

    @property
    def dedup_key(self) -> str:
        """WeChat retries an unanswered message three times: the same MsgId (events: sender + time)."""
        return self.msg_id or f"{self.from_user}:{self.create_time}:{self.event}"


def parse_xml(body: bytes) -> Element:
    if len(body) > MAX_BODY:
        raise MalformedMessage("too large")
    try:
        root = fromstring(body)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise MalformedMessage(str(exc)[:100]) from exc
    if root.tag != "xml":
        raise MalformedMessage("the root element is not <xml>")
    return root


def _text(root: Element, name: str) -> str:
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


def _float(root: Element, name: str) -> float | None:
    value = _text(root, name)
    if not value:
        return None
    try:
        return float(value)
    except ValueError as exc:
        raise MalformedMessage(f"{name} is not a number") from exc


def encrypted_part(root: Element) -> str:
    return _text(root, "Encrypt")


def parse_message(root: Element) -> Message:
    from_user, msg_type = _text(root, "FromUserName"), _text(root, "MsgType")
    if not from_user or not msg_type:
        raise MalformedMessage("FromUserName and MsgType are required")
    try:
        create_time = int(_text(root, "CreateTime") or "0")
    except ValueError as exc:
        raise MalformedMessage("CreateTime is not a number") from exc
    # The LOCATION event (a user who shares their position with the account) uses other names.
    lat = _float(root, "Location_X")
    lng = _float(root, "Location_Y")
    if lat is None and msg_type == "event":
        lat, lng = _float(root, "Latitude"), _float(root, "Longitude")
    return Message(
        to_user=_text(root, "ToUserName"),
        from_user=from_user[:64],
        create_time=create_time,
        msg_type=msg_type,
        msg_id=_text(root, "MsgId")[:32],
        content=_text(root, "Content"),
        pic_url=_text(root, "PicUrl")[:500],
        media_id=_text(root, "MediaId")[:128],
        location_x=lat,
        location_y=lng,
        label=_text(root, "Label")[:200],
        event=_text(root, "Event"),
        event_key=_text(root, "EventKey")[:64],
    )


def _cdata(value: str) -> str:
    # "]]>" would close the section early: split it across two sections.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply(*, to_user: str, from_user: str, content: str, now: int | None = None) -> str:
    """The passive text reply: to the citizen (their OpenID) from the account (its gh_ id)."""
    return (
        f"<xml><ToUserName>{_cdata(to_user)}</ToUserName><FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{now or int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content>{_cdata(content)}</Content></xml>"
    )


def encrypted_reply(*, encrypt: str, msg_signature: str, timestamp: str, nonce: str) -> str:
    return (
        f"<xml><Encrypt>{_cdata(encrypt)}</Encrypt><MsgSignature>{_cdata(msg_signature)}</MsgSignature>"
        f"<TimeStamp>{timestamp}</TimeStamp><Nonce>{_cdata(nonce)}</Nonce></xml>"
    )
