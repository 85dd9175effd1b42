"""The WeChat callback as the platform calls it: URL check, signed messages in plain and safe mode,
a conversation that becomes a case, and WeChat's own answers to bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from defusedxml.ElementTree import fromstring
from django.test import Client
from django.utils import timezone

from tests.wechat.conftest import (
    AES_KEY,
    APPID,
    OPENID,
    TOKEN,
    event_message,
    image_message,
    location_message,
    post,
    post_encrypted,
    reply_text,
    signed_query,
    text_message,
    zh,
)
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.intake.wechat import crypto, tasks
from zhiguan.intake.wechat.models import ConversationState, WechatConversation
from zhiguan.notifications.models import CitizenNotice, CitizenOptOut

# A point inside the test district's street 330114002, in GCJ-02 as WeChat sends it.
GCJ_INSIDE = (30.2575, 120.3647)


def test_the_documented_sample_message_decrypts_and_its_signature_holds():
    # The sample of the platform's 消息加解密 documentation (WXBizMsgCrypt's Sample.py).
    encrypted = (
        "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9"
        "FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
        "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v"
        "6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE="
    )
    assert crypto.signature("spamtest", "1409735669", "1320562132", encrypted) == (
        "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
    )
    box = crypto.MessageCrypto(encoding_aes_key=AES_KEY, appid=APPID)
    root = fromstring(box.decrypt(encrypted))
    assert (root.findtext("MsgType"), root.findtext("Content"), root.findtext("MsgId")) == (
        "text",
        "abcdteT",
        "6054768590064713728",
    )
    with pytest.raises(crypto.BadMessage):
        crypto.MessageCrypto(encoding_aes_key=AES_KEY, appid="wx0000000000000000").decrypt(encrypted)
    with pytest.raises(crypto.BadMessage):
        box.decrypt(encrypted[:-8] + "AAAAAAA=")


def test_the_platform_checks_the_url_and_gets_echostr_back(account):
    q = signed_query(echostr="4ByGGj+sVCYcvGeQYhaKIk")
    r = Client().get("/wechat/330114", q)
    assert (r.status_code, r.content.decode()) == (200, "4ByGGj+sVCYcvGeQYhaKIk")


@pytest.mark.parametrize(
    "query",
    [
        lambda: signed_query(token="wrongToken", echostr="x"),
        lambda: {"signature": "", "timestamp": "", "nonce": "", "echostr": "x"},
        # A correctly signed request from last week: a replay.
        lambda: (
            lambda ts: {
                "signature": crypto.signature(TOKEN, ts, "1"),
                "timestamp": ts,
                "nonce": "1",
                "echostr": "x",
            }
        )(str(int((timezone.now() - timedelta(days=7)).timestamp()))),
    ],
)
def test_a_bad_signature_is_403_in_plain_text_never_the_json_shape(account, query):
    r = Client().get("/wechat/330114", query())
    assert r.status_code == 403
    assert r["Content-Type"].startswith("text/plain")
    assert b"error" not in r.content and r.content != b"x"
    posted = post(text_message("路灯坏了"), query=query())
    assert posted.status_code == 403 and posted["Content-Type"].startswith("text/plain")
    assert not WechatConversation.objects.exists()


def test_an_unknown_district_is_404(account):
    assert Client().get("/wechat/999999", signed_query(echostr="x")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        "not xml at all",
        "<xml><ToUserName>a</ToUserName>",  # cut off
        "<other><MsgType>text</MsgType></other>",
        "<xml><ToUserName>a</ToUserName></xml>",  # no sender, no type
        # An entity expansion (billion laughs) is refused by defusedxml, never expanded.
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<xml><FromUserName>u</FromUserName><MsgType>text</MsgType><Content>&b;</Content></xml>",
    ],
)
def test_a_body_that_is_not_a_wechat_message_is_400_and_creates_nothing(account, body):
    r = post(body)
    assert r.status_code == 400 and r["Content-Type"].startswith("text/plain")
    assert not WechatConversation.objects.exists() and not Case.objects.exists()


def test_text_photo_and_location_become_a_case_answered_with_its_number(account, fake_wechat, settings):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"
    settings.ZHIGUAN_WECHAT_PICURL_HOSTS = "127.0.0.1"  # the fake picture server stands for the CDN
    assert "提交" in reply_text(post(event_message("subscribe")))
    assert reply_text(post(text_message("金沙路人行道上的井盖缺失，很危险"))) == zh(
        'Noted. Add photos or send your location, then send "提交".'
    )
    assert reply_text(post(image_message(f"{fake_wechat.base}/pic.png"))) == zh(
        'Photo received. Send your location or "提交".'
    )
    # Fetched after the reply (the embedded set-up's periodic sweep; a worker's task otherwise).
    assert tasks.sweep_photos() == 1
    answer = reply_text(post(location_message(*GCJ_INSIDE)))
    case = Case.objects.get()
    assert case.number in answer and f"https://12345.example.gov.cn/follow/{case.number}" in answer
    assert (case.channel, case.description, case.address) == (
        "wechat",
        "金沙路人行道上的井盖缺失，很危险",
        "杭州市钱塘区金沙路1号",
    )
    # GCJ-02 from WeChat, stored WGS-84: the point lies in the street the citizen was in.
    assert case.street.code == "330114002"
    assert abs(case.lng - 120.36) < 0.001 and abs(case.lat - 30.26) < 0.001
    assert CaseAttachment.objects.get(case=case).content_type == "image/png"
    assert case.reporters.get().phone == ""
    conv = WechatConversation.objects.get()
    assert (conv.state, conv.case_id, conv.openid) == (ConversationState.SUBMITTED, case.pk, OPENID)
    # The passive reply was the receipt: recorded once, no template message repeats it.
    receipt = CitizenNotice.objects.get(case_id=case.pk)
    assert (receipt.purpose, receipt.channel, receipt.status) == ("case_registered", "wechat", "sent")
    # The next message starts a new request; "进度" lists the first with its public status.
    assert f"{case.number}：{zh('Report accepted')}" in reply_text(post(text_message("进度")))
    assert f"{case.number}：{zh('Report accepted')}" in reply_text(post(event_message("CLICK", "PROGRESS")))


def test_submit_after_text_only_registers_a_case_without_a_place(account):
    reply_text(post(text_message("咨询一下")))
    reply_text(post(text_message("居住证怎么办理？")))
    answer = reply_text(post(text_message("提交")))
    case = Case.objects.get()
    assert case.number in answer
    assert (case.request_type, case.description, case.lng) == (
        "consultation",
        "咨询一下\n居住证怎么办理？",
        None,
    )


def test_submit_with_nothing_written_asks_for_a_description(account):
    assert zh("Describe the problem in words first.") in reply_text(post(text_message("提交")))
    assert reply_text(post(location_message(*GCJ_INSIDE))) == zh(
        "Location received. Now describe the problem in words."
    )
    assert not Case.objects.exists()


def test_a_place_outside_the_district_is_explained_and_the_draft_kept(account):
    reply_text(post(text_message("这里有垃圾堆放")))
    answer = reply_text(post(location_message(31.2, 121.5)))
    assert not Case.objects.exists()
    assert "取消" in answer
    assert WechatConversation.objects.get().state == ConversationState.OPEN
    reply_text(post(location_message(*GCJ_INSIDE)))
    assert Case.objects.get().description == "这里有垃圾堆放"


def test_a_message_sent_again_by_the_platform_is_handled_once(account):
    reply_text(post(text_message("垃圾满了")))
    first = reply_text(post(text_message("提交", msg_id="6054768590064713728")))
    again = reply_text(post(text_message("提交", msg_id="6054768590064713728")))
    assert first == again
    assert Case.objects.count() == 1


def test_a_quiet_draft_expires_and_cancel_discards(account, settings):
    reply_text(post(text_message("第一件事")))
    WechatConversation.objects.update(updated_at=timezone.now() - timedelta(minutes=31))
    reply_text(post(text_message("第二件事")))
    reply_text(post(text_message("提交")))
    assert Case.objects.get().description == "第二件事"
    reply_text(post(text_message("又一件事")))
    assert zh("What you sent has been discarded.") in reply_text(post(text_message("取消")))
    assert sorted(WechatConversation.objects.values_list("state", flat=True)) == [
        "cancelled",
        "expired",
        "submitted",
    ]


def test_unsupported_messages_get_help_and_unhandled_events_success(account):
    voice = text_message("x").replace(
        "<MsgType><![CDATA[text]]></MsgType>", "<MsgType><![CDATA[voice]]></MsgType>"
    )
    assert reply_text(post(voice)) == zh("Please send words, a photo or your location.")
    r = post(event_message("VIEW", "https://example.gov.cn"))
    assert (r.status_code, r.content) == (200, b"success")


def test_unsubscribe_and_tuiding_opt_out_of_notices(account):
    reply_text(post(text_message("草稿")))
    r = post(event_message("unsubscribe"))
    assert (r.status_code, r.content) == (200, b"success")
    assert CitizenOptOut.objects.filter(channel="wechat", address=OPENID).exists()
    assert WechatConversation.objects.get().state == ConversationState.CANCELLED
    reply_text(post(event_message("subscribe")))
    assert not CitizenOptOut.objects.exists()
    assert "订阅" in reply_text(post(text_message("退订")))
    assert CitizenOptOut.objects.filter(channel="wechat", address=OPENID).exists()


def test_safe_mode_decrypts_the_message_and_encrypts_the_reply(account):
    r = post_encrypted(text_message("小区门口积水"))
    assert r.status_code == 200
    root = fromstring(r.content)
    sealed = root.findtext("Encrypt")
    assert root.findtext("MsgSignature") == crypto.signature(
        TOKEN, root.findtext("TimeStamp"), root.findtext("Nonce"), sealed
    )
    inner = fromstring(crypto.MessageCrypto(encoding_aes_key=AES_KEY, appid=APPID).decrypt(sealed))
    assert inner.findtext("ToUserName") == OPENID and "提交" in inner.findtext("Content")
    assert WechatConversation.objects.get().description == "小区门口积水"


def test_safe_mode_refuses_plain_messages_and_a_bad_msg_signature(world, account):
    from zhiguan.intake.wechat.services import configure_account

    configure_account(actor=world.actor("admin"), changes={"mode": "safe"})
    assert post(text_message("明文")).status_code == 403
    q = signed_query(openid=OPENID, encrypt_type="aes", msg_signature="0" * 40)
    body = f"<xml><Encrypt><![CDATA[{crypto.MessageCrypto(encoding_aes_key=AES_KEY, appid=APPID).encrypt(text_message('x'))}]]></Encrypt></xml>"
    assert post(body, query=q).status_code == 403
    assert post_encrypted(text_message("密文")).status_code == 200
    assert WechatConversation.objects.get().description == "密文"


def test_administrators_set_the_account_and_never_read_its_secrets_back(world):
    admin, operator = world.api("admin"), world.api("operator")
    assert admin.get("/api/v1/wechat/account").json()["configured"] is False
    body = {
        "name": "钱塘城管",
        "appid": APPID,
        "token": TOKEN,
        "encoding_aes_key": AES_KEY,
        "app_secret": "s3cret",
        "mode": "safe",
        "default_category_id": world.category.pk,
    }
    r = admin.put("/api/v1/wechat/account", body)
    assert r.status_code == 200, r.content
    data = r.json()
    assert (data["mode"], data["has_app_secret"], data["has_encoding_aes_key"], data["callback_path"]) == (
        "safe",
        True,
        True,
        "/wechat/330114",
    )
    assert "s3cret" not in r.content.decode() and AES_KEY not in r.content.decode()
    bad = admin.put("/api/v1/wechat/account", {"encoding_aes_key": "short"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_aes_key"
    assert operator.get("/api/v1/wechat/account").status_code == 403
    assert operator.put("/api/v1/wechat/account", {"mode": "plain"}).status_code == 403
    assert admin.put("/api/v1/wechat/account", {"mode": "loud"}).status_code == 422
