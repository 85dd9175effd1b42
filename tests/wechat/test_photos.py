"""A WeChat photo is only noted in the callback (WeChat waits five seconds) and fetched afterwards:
from PicUrl on an allowed host only, else by MediaId through the platform's media API."""

from __future__ import annotations

import time

import pytest

from tests.wechat.conftest import image_message, location_message, post, reply_text, text_message, zh
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.intake.wechat import media, tasks
from zhiguan.intake.wechat.models import WechatConversation
from zhiguan.intake.wechat.services import configure_account

GCJ_INSIDE = (30.2575, 120.3648)


@pytest.fixture
def cdn(settings, fake_wechat):
    settings.ZHIGUAN_WECHAT_PICURL_HOSTS = "127.0.0.1"
    return fake_wechat


def _photos() -> list[dict]:
    return WechatConversation.objects.get().photos


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://mmbiz.qpic.cn/mmbiz_jpg/abc/0", True),
        ("https://mmbiz.qpic.cn/mmbiz_png/abc/0?wx_fmt=png", True),
        ("http://a.mmbiz.qpic.cn/x", True),
        ("http://evilmmbiz.qpic.cn/x", False),
        ("http://mmbiz.qpic.cn.evil.example/x", False),
        ("http://169.254.169.254/latest/meta-data/", False),
        ("http://127.0.0.1:8000/api/v1/cases", False),
        ("http://user:pw@mmbiz.qpic.cn/x", False),
        ("file:///etc/passwd", False),
        ("gopher://mmbiz.qpic.cn/x", False),
        ("", False),
    ],
)
def test_only_wechat_picture_hosts_are_fetched(settings, url, allowed):
    settings.ZHIGUAN_WECHAT_PICURL_HOSTS = media.DEFAULT_HOSTS
    assert media.pic_url_allowed(url) is allowed


def test_the_reply_does_not_wait_for_the_photo(account, cdn):
    # The picture server hangs for 8 s: the callback answers well within WeChat's 5 s.
    reply_text(post(text_message("金沙路井盖缺失")))  # the first request of a process warms it up
    started = time.monotonic()
    answer = reply_text(post(image_message(f"{cdn.base}/hang.png")))
    assert time.monotonic() - started < 3
    assert answer == zh('Photo received. Send your location or "提交".')
    assert _photos()[0]["state"] == "pending" and _photos()[0]["attachment_id"] is None
    assert not CaseAttachment.objects.exists()


def test_a_photo_is_fetched_after_the_reply_and_joins_the_draft(account, cdn):
    reply_text(post(text_message("金沙路井盖缺失")))
    reply_text(post(image_message(f"{cdn.base}/pic.png")))
    assert tasks.sweep_photos() == 1
    photo = _photos()[0]
    assert photo["state"] == "fetched" and photo["attachment_id"]
    assert tasks.sweep_photos() == 0  # nothing left to fetch
    reply_text(post(location_message(*GCJ_INSIDE)))
    case = Case.objects.get()
    assert CaseAttachment.objects.get(case=case).pk == photo["attachment_id"]


def test_a_photo_arriving_after_the_case_was_registered_joins_the_case(account, cdn):
    reply_text(post(text_message("金沙路井盖缺失")))
    reply_text(post(image_message(f"{cdn.base}/pic.png")))
    reply_text(post(location_message(*GCJ_INSIDE)))  # registered before the photo was fetched
    case = Case.objects.get()
    assert not CaseAttachment.objects.filter(case=case).exists()
    tasks.sweep_photos()
    attachment = CaseAttachment.objects.get(case=case)
    event = case.events.get(action="wechat_photo")
    assert attachment.event_id == event.pk


def test_an_expired_or_refused_pic_url_falls_back_to_the_media_id(account, cdn, world):
    configure_account(actor=world.actor("admin"), changes={"app_secret": "s3cret", "api_base": cdn.base})
    # A host outside the allow-list is never fetched; the MediaId is.
    reply_text(post(image_message("http://169.254.169.254/latest/meta-data/pic.png")))
    tasks.sweep_photos()
    assert _photos()[0]["state"] == "fetched"
    assert cdn.media_calls and cdn.media_calls[0]["media_id"] == ["media_id_1"]
    assert cdn.media_calls[0]["access_token"] == ["ACCESS1"]
    # An expired PicUrl (404 on the CDN) falls back the same way.
    reply_text(post(image_message(f"{cdn.base}/gone.png")))
    tasks.sweep_photos()
    assert [p["state"] for p in _photos()] == ["fetched", "fetched"]


def test_redirects_are_not_followed_and_a_photo_that_never_comes_is_given_up(account, cdn):
    # No AppSecret: no MediaId fallback; a redirect (even to a good picture) is not followed.
    reply_text(post(image_message(f"{cdn.base}/redirect.png", media_id="media_gone")))
    for _ in range(media.MAX_TRIES):
        tasks.sweep_photos()
    assert _photos()[0]["state"] == "failed" and _photos()[0]["tries"] == media.MAX_TRIES
    assert tasks.sweep_photos() == 0
    assert not CaseAttachment.objects.exists()


def test_a_photo_with_no_usable_source_is_refused_in_the_reply(account, cdn, settings):
    settings.ZHIGUAN_WECHAT_PICURL_HOSTS = media.DEFAULT_HOSTS
    answer = reply_text(post(image_message("http://10.0.0.1/x.png", media_id="")))
    assert answer == zh("The photo could not be received; you may send it again.")
    assert not WechatConversation.objects.exists() or _photos() == []


def test_with_a_worker_the_fetch_is_queued_after_the_commit(account, cdn, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[int] = []
    monkeypatch.setattr(tasks.fetch_photos, "delay", lambda conv_id: queued.append(conv_id))
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        reply_text(post(image_message(f"{cdn.base}/pic.png")))
    assert queued == [WechatConversation.objects.get().pk]
