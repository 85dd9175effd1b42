"""Text messages through the adapter: kept in the outbox by default, posted to a gateway with retries."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.cases.conftest import PATHS
from tests.files import PNG
from zhiguan.celery import app as celery_app
from zhiguan.errors import InvalidInput
from zhiguan.notifications import services
from zhiguan.notifications.models import MessageStatus, OutboxMessage


def _submit(world, headers=None, **overrides):
    form = {
        "jurisdiction": world.jurisdiction.code,
        "request_type": "complaint",
        "category_id": world.category.pk,
        "description": "小区门口路灯不亮已经一周",
        "name": "李四",
        "phone": "13912345678",
        "lng": 120.35,
        "lat": 30.25,
        "crs": "wgs84",
    } | overrides
    headers = {"Accept-Language": "zh-hans", **(headers or {})}
    return Client(headers=headers).post("/api/v1/cases/public/submit", data=form)


def test_a_citizens_submission_texts_the_number_and_the_follow_link(
    world, settings, django_capture_on_commit_callbacks
):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=True):
        r = _submit(world, photo=SimpleUploadedFile("lamp.png", PNG, content_type="image/png"))
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    message = OutboxMessage.objects.get()
    assert (message.phone, message.purpose, message.status, message.attempts) == (
        "13912345678",
        "case_registered",
        MessageStatus.KEPT,
        1,
    )
    assert message.text == (
        f"【{world.jurisdiction.name}】您反映的问题已受理，编号 {number}，"
        f"查看进度：https://12345.example.gov.cn/follow/{number}"
    )


def test_a_retried_or_refused_submission_sends_no_second_text(world):
    first = _submit(world, headers={"Idempotency-Key": "k-1"})
    again = _submit(world, headers={"Idempotency-Key": "k-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    bad = _submit(world, description="")  # refused: nothing registered, nothing sent
    assert bad.status_code == 422
    assert OutboxMessage.objects.count() == 1


def test_a_landline_gets_no_text_and_the_submission_still_succeeds(world):
    assert _submit(world, phone="0571-86001234").status_code == 201
    assert not OutboxMessage.objects.exists()


def test_closing_a_case_texts_the_rating_link(world, settings, django_capture_on_commit_callbacks):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"
    case = world.walk(world.new_case(), *PATHS["closed"][:-1])
    with django_capture_on_commit_callbacks(execute=True):
        world.do(case, "close")
    message = OutboxMessage.objects.get(purpose="case_closed")
    assert message.phone == "13812345678"
    assert f"（编号 {case.number}）已办结" in message.text
    link = message.text.rsplit("：", 1)[1]
    assert link.startswith("https://12345.example.gov.cn/rate?token=")
    token = link.split("token=", 1)[1]
    rated = Client().post(
        "/api/v1/cases/public/rate", {"token": token, "result": "satisfied"}, content_type="application/json"
    )
    assert rated.status_code == 200, rated.content


@pytest.mark.parametrize(("phone", "code"), [("0571-86001234", "not_mobile"), ("12", "not_mobile")])
def test_send_sms_refuses_what_cannot_be_texted_and_stores_nothing(jurisdiction, phone, code):
    with pytest.raises(InvalidInput) as err:
        services.send_sms(jurisdiction=jurisdiction, phone=phone, text="你好", purpose="test")
    assert err.value.code == code
    with pytest.raises(InvalidInput) as err:
        services.send_sms(jurisdiction=jurisdiction, phone="13800001111", text="长" * 501, purpose="test")
    assert err.value.code == "message_too_long"
    assert not OutboxMessage.objects.exists()


class _Gateway(BaseHTTPRequestHandler):
    answers: list[int] = []
    received: list[dict[str, Any]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append({"body": body, "auth": self.headers["Authorization"]})
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(settings):
    # As a worker runs it: each retry a new run, errors not raised into the caller.
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    _Gateway.answers, _Gateway.received = [], []
    server = HTTPServer(("127.0.0.1", 0), _Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.ZHIGUAN_SMS_BACKEND = "http"
    settings.ZHIGUAN_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    settings.ZHIGUAN_SMS_TOKEN = "gw-token"
    yield _Gateway
    server.shutdown()
    celery_app.conf.task_eager_propagates = propagates


def _send(jurisdiction, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.send_sms(
            jurisdiction=jurisdiction, phone="+86 138 0000 1111", text="【钱塘区】测试", purpose="test"
        )
    message.refresh_from_db()
    return message


def test_the_http_gateway_gets_json_with_the_token_and_a_busy_gateway_is_retried(
    jurisdiction, gateway, django_capture_on_commit_callbacks
):
    gateway.answers = [503, 429]
    message = _send(jurisdiction, django_capture_on_commit_callbacks)
    assert (message.status, message.attempts, message.backend) == (MessageStatus.SENT, 3, "http")
    assert [r["auth"] for r in gateway.received] == ["Bearer gw-token"] * 3
    assert gateway.received[0]["body"] == {
        "id": message.pk,
        "phone": "13800001111",
        "text": "【钱塘区】测试",
        "purpose": "test",
    }


def test_a_refused_or_never_answering_gateway_leaves_the_message_failed(
    jurisdiction, gateway, django_capture_on_commit_callbacks
):
    gateway.answers = [400]
    refused = _send(jurisdiction, django_capture_on_commit_callbacks)
    assert (refused.status, refused.attempts, refused.last_error) == (MessageStatus.FAILED, 1, "HTTP 400")
    gateway.answers = [500] * 10
    down = _send(jurisdiction, django_capture_on_commit_callbacks)
    assert (down.status, down.attempts) == (MessageStatus.FAILED, 6)  # the first try and five retries


def test_in_process_a_gateway_still_down_after_the_retry_is_marked_failed(
    jurisdiction, gateway, django_capture_on_commit_callbacks
):
    celery_app.conf.task_eager_propagates = True  # the embedded set-up's setting
    gateway.answers = [500] * 10
    message = _send(jurisdiction, django_capture_on_commit_callbacks)
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "HTTP 500")
