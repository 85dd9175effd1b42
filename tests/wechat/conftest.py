"""WeChat tests: the cases' test district, the district's Official Account, messages built exactly
as the platform documents them (接收普通消息 / 接收事件推送), signed with its algorithm, and a
local fake of the platform's HTTP API (photos behind PicUrl, access token, template messages)."""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client

from tests.cases.conftest import _media_in_tmp, world
from tests.files import PNG
from zhiguan.celery import app as celery_app
from zhiguan.intake.wechat import crypto
from zhiguan.intake.wechat.services import configure_account

__all__ = ["_media_in_tmp", "world"]

TOKEN = "zhiguanToken2026"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
APPID = "wx2c2769f8efd9abc2"
ACCOUNT_ID = "gh_10f6c3c3ac5a"
OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"


@pytest.fixture
def account(world):
    return configure_account(
        actor=world.actor("admin"),
        changes={
            "name": "钱塘城管",
            "appid": APPID,
            "token": TOKEN,
            "encoding_aes_key": AES_KEY,
            "mode": "compatible",
            "default_category_id": world.category.pk,
        },
    )


def zh(msgid: str) -> str:
    """A message as the citizen reads it (the platform's language, Chinese)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def text_message(content: str, *, openid: str = OPENID, msg_id: str | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or secrets.randbelow(10**16)}</MsgId>"
        "<MsgDataId><![CDATA[]]></MsgDataId><Idx><![CDATA[]]></Idx></xml>"
    )


def image_message(pic_url: str, *, openid: str = OPENID, media_id: str = "media_id_1") -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[image]]></MsgType>"
        f"<PicUrl><![CDATA[{pic_url}]]></PicUrl><MediaId><![CDATA[{media_id}]]></MediaId>"
        f"<MsgId>{secrets.randbelow(10**16)}</MsgId></xml>"
    )


def location_message(
    lat: float, lng: float, label: str = "杭州市钱塘区金沙路1号", *, openid: str = OPENID
) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[location]]></MsgType>"
        f"<Location_X>{lat}</Location_X><Location_Y>{lng}</Location_Y><Scale>20</Scale>"
        f"<Label><![CDATA[{label}]]></Label><MsgId>{secrets.randbelow(10**16)}</MsgId></xml>"
    )


def event_message(event: str, key: str = "", *, openid: str = OPENID) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event>"
        + (f"<EventKey><![CDATA[{key}]]></EventKey>" if key else "")
        + "</xml>"
    )


def signed_query(token: str = TOKEN, **extra: str) -> dict[str, str]:
    timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**9))
    return {
        "signature": crypto.signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
        **extra,
    }


def post(xml: str, *, code: str = "330114", query: dict[str, str] | None = None) -> Any:
    q = query or signed_query(openid=OPENID)
    return Client().generic(
        "POST", f"/wechat/{code}?" + "&".join(f"{k}={v}" for k, v in q.items()), xml.encode(), "text/xml"
    )


def post_encrypted(xml: str, *, code: str = "330114") -> Any:
    box = crypto.MessageCrypto(encoding_aes_key=AES_KEY, appid=APPID)
    encrypted = box.encrypt(xml)
    q = signed_query(openid=OPENID, encrypt_type="aes")
    q["msg_signature"] = crypto.signature(TOKEN, q["timestamp"], q["nonce"], encrypted)
    body = f"<xml><ToUserName><![CDATA[{ACCOUNT_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
    from urllib.parse import quote

    return Client().generic(
        "POST",
        f"/wechat/{code}?" + "&".join(f"{k}={quote(v)}" for k, v in q.items()),
        body.encode(),
        "text/xml",
    )


def reply_text(response: Any) -> str:
    """The Content of a passive text reply, after checking it is addressed as WeChat requires."""
    assert response.status_code == 200, response.content
    root = fromstring(response.content)
    assert root.findtext("ToUserName") == OPENID
    assert root.findtext("FromUserName") == ACCOUNT_ID
    assert root.findtext("MsgType") == "text"
    return root.findtext("Content") or ""


class FakeWechat(BaseHTTPRequestHandler):
    """The platform's API and its picture server, on 127.0.0.1."""

    template_answers: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []
    token_calls: list[dict[str, list[str]]] = []
    media_calls: list[dict[str, list[str]]] = []

    def _json(self, payload: dict[str, Any]) -> None:
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/pic.png":
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(PNG)))
            self.end_headers()
            self.wfile.write(PNG)
        elif url.path == "/hang.png":
            time.sleep(8)  # a picture server that does not answer within WeChat's five seconds
            self.send_response(504)
            self.end_headers()
        elif url.path == "/redirect.png":
            self.send_response(302)
            self.send_header("Location", f"{type(self).base}/pic.png")  # type: ignore[attr-defined]
            self.end_headers()
        elif url.path == "/cgi-bin/media/get":
            query = parse_qs(url.query)
            type(self).media_calls.append(query)
            if query.get("media_id") == ["media_id_1"]:
                self.send_response(200)
                self.send_header("Content-Type", "image/jpeg")
                self.send_header("Content-Disposition", 'attachment; filename="media_id_1.jpg"')
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)
            else:
                self._json({"errcode": 40007, "errmsg": "invalid media_id"})
        elif url.path == "/cgi-bin/token":
            type(self).token_calls.append(parse_qs(url.query))
            self._json({"access_token": f"ACCESS{len(type(self).token_calls)}", "expires_in": 7200})
        else:
            self.send_response(404)
            self.end_headers()

    def do_POST(self) -> None:
        url = urlparse(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).sent.append({"token": parse_qs(url.query)["access_token"][0], "body": body})
        answers = type(self).template_answers
        self._json(answers.pop(0) if answers else {"errcode": 0, "errmsg": "ok", "msgid": 200228332})

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_wechat():
    FakeWechat.template_answers, FakeWechat.sent, FakeWechat.token_calls = [], [], []
    FakeWechat.media_calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False  # as a worker runs it: retries, no errors raised
    FakeWechat.base = f"http://127.0.0.1:{server.server_port}"  # type: ignore[attr-defined]
    yield FakeWechat
    celery_app.conf.task_eager_propagates = propagates
    server.shutdown()
