"""Notices to citizens through the one adapter interface: receipt, progress, rating link, answer;
by the channel the citizen came by, once per case and state, never to one who opted out."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.cases.conftest import PATHS
from tests.wechat.conftest import OPENID, location_message, post, reply_text, text_message
from zhiguan.cases.events import notify_case_changed
from zhiguan.intake.wechat.services import configure_account
from zhiguan.notifications import citizen
from zhiguan.notifications.models import CitizenNotice, NoticeStatus, OutboxMessage

GCJ_INSIDE = (30.2575, 120.3647)


def _notices(case):
    return list(
        CitizenNotice.objects.filter(case_id=case.pk)
        .order_by("id")
        .values_list("purpose", "channel", "status")
    )


def test_a_hotline_caller_with_a_mobile_gets_the_receipt_by_sms_once(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = world.new_case()
    assert _notices(case) == [("case_registered", "sms", NoticeStatus.SENT)]
    sms = OutboxMessage.objects.get()
    assert (sms.phone, sms.purpose, sms.status) == ("13812345678", "case_registered", "kept")
    assert case.number in sms.text
    # The listener told again (a redelivered task): no second notice, no second text.
    event = case.events.get(action="register")
    notify_case_changed(case_id=case.pk, event_id=event.pk, action="register")
    assert OutboxMessage.objects.count() == 1 and CitizenNotice.objects.count() == 1


def test_progress_is_sent_when_the_public_status_changes_and_only_then(
    world, django_capture_on_commit_callbacks
):
    case = world.new_case()
    with django_capture_on_commit_callbacks(execute=True):
        case = world.walk(case, "submit", "dispatch", "return", "accept_return", "dispatch", "accept")
    # submit stays 已受理; dispatch → 处理中 (once, though dispatched twice); internal steps say nothing.
    assert _notices(case) == [("case_in_progress", "sms", NoticeStatus.SENT)]
    assert (
        "已交承办单位" in CitizenNotice.objects.get().text
        or "handed to the department" in CitizenNotice.objects.get().text
    )


def test_a_rejected_or_merged_report_is_told(world, django_capture_on_commit_callbacks):
    rejected, merged = world.new_case(), world.new_case(description="同一处占道经营")
    with django_capture_on_commit_callbacks(execute=True):
        world.do(rejected, "reject")
        world.do(merged, "merge")
    assert _notices(rejected) == [("case_not_accepted", "sms", NoticeStatus.SENT)]
    assert ("case_merged", "sms", NoticeStatus.SENT) in _notices(merged)


def test_a_consultation_answered_at_intake_sends_the_answer(world, django_capture_on_commit_callbacks):
    case = world.new_case(request_type="consultation", category_id=world.consult_category.pk)
    with django_capture_on_commit_callbacks(execute=True):
        world.do(case, "answer", note="居住证请到街道便民服务中心办理，带身份证和租房合同。")
    notice = CitizenNotice.objects.get(case_id=case.pk)
    assert notice.purpose == "case_answered"
    assert "居住证请到街道便民服务中心办理，带身份证和租房合同。" in notice.text
    assert OutboxMessage.objects.get().text == notice.text


def test_closing_sends_the_rating_link_once_through_the_same_door(
    world, settings, django_capture_on_commit_callbacks
):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"
    case = world.walk(world.new_case(), *PATHS["closed"][:-1])
    with django_capture_on_commit_callbacks(execute=True):
        world.do(case, "close")
    notice = CitizenNotice.objects.get(case_id=case.pk, purpose="case_closed")
    assert notice.data["link"].startswith("https://12345.example.gov.cn/rate?token=")
    assert notice.sms.purpose == "case_closed"
    # The closing listener run again sends nothing more.
    event = case.events.get(action="close")
    notify_case_changed(case_id=case.pk, event_id=event.pk, action="close")
    assert OutboxMessage.objects.filter(purpose="case_closed").count() == 1


def test_no_mobile_no_notice_and_inspectors_reports_are_not_answered(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        landline = world.new_case(reporters=[{"name": "张三", "phone": "0571-86001234"}])
        inspected = world.new_case(channel="inspector")
    assert not CitizenNotice.objects.filter(case_id__in=[landline.pk, inspected.pk]).exists()


def test_a_citizen_who_opted_out_gets_nothing(world, django_capture_on_commit_callbacks):
    citizen.set_opt_out(jurisdiction=world.jurisdiction, channel="sms", address="13812345678", out=True)
    with django_capture_on_commit_callbacks(execute=True):
        case = world.new_case()
    assert _notices(case) == [("case_registered", "sms", NoticeStatus.OPTED_OUT)]
    assert not OutboxMessage.objects.exists()


def _wechat_case(world, fake_wechat, django_capture_on_commit_callbacks, **account):
    configure_account(
        actor=world.actor("admin"),
        changes={
            "name": "钱塘城管",
            "appid": "wx2c2769f8efd9abc2",
            "token": "zhiguanToken2026",
            "default_category_id": world.category.pk,
            "api_base": fake_wechat.base,
            **account,
        },
    )
    reply_text(post(text_message("路灯不亮")))
    with django_capture_on_commit_callbacks(execute=True):
        reply_text(post(location_message(*GCJ_INSIDE)))
    from zhiguan.cases.models import Case

    return Case.objects.get(channel="wechat")


def test_a_wechat_report_gets_progress_as_template_messages(
    world, fake_wechat, django_capture_on_commit_callbacks
):
    case = _wechat_case(
        world,
        fake_wechat,
        django_capture_on_commit_callbacks,
        app_secret="SECRET",
        template_id="TPL-progress",
    )
    with django_capture_on_commit_callbacks(execute=True):
        world.walk(case, "submit", "dispatch")
        world.walk(case, "accept", "reply", "feed_back", "verify_pass", "accept_co", "reply_co", "close")
    # The receipt was the passive reply; progress and the rating link went as template messages.
    assert _notices(case) == [
        ("case_registered", "wechat", NoticeStatus.SENT),
        ("case_in_progress", "wechat", NoticeStatus.SENT),
        ("case_closed", "wechat", NoticeStatus.SENT),
    ]
    assert not OutboxMessage.objects.exists()
    assert len(fake_wechat.token_calls) == 1  # the access token is kept, not fetched per message
    assert fake_wechat.token_calls[0]["appid"] == ["wx2c2769f8efd9abc2"]
    assert fake_wechat.token_calls[0]["secret"] == ["SECRET"]
    first, closed = (m["body"] for m in fake_wechat.sent)
    assert (first["touser"], first["template_id"]) == (OPENID, "TPL-progress")
    assert first["data"]["keyword1"]["value"] == case.number
    assert "/rate?token=" in closed["url"]
    assert {m["token"] for m in fake_wechat.sent} == {"ACCESS1"}


def test_without_a_template_wechat_notices_stay_in_the_outbox(
    world, fake_wechat, django_capture_on_commit_callbacks
):
    case = _wechat_case(world, fake_wechat, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        world.walk(case, "submit", "dispatch")
    assert _notices(case)[-1] == ("case_in_progress", "wechat", NoticeStatus.KEPT)
    assert not fake_wechat.sent


@pytest.mark.parametrize(
    ("answers", "status", "sends"),
    [
        ([{"errcode": -1, "errmsg": "system busy"}], NoticeStatus.SENT, 2),  # retried, then taken
        ([{"errcode": 42001, "errmsg": "access_token expired"}], NoticeStatus.SENT, 2),  # a new token
        ([{"errcode": 43004, "errmsg": "require subscribe"}], NoticeStatus.FAILED, 1),  # unfollowed: no retry
    ],
)
def test_the_platform_busy_is_retried_and_a_refusal_is_final(
    world, fake_wechat, django_capture_on_commit_callbacks, answers, status, sends
):
    case = _wechat_case(
        world, fake_wechat, django_capture_on_commit_callbacks, app_secret="S", template_id="T"
    )
    fake_wechat.template_answers = list(answers)
    with django_capture_on_commit_callbacks(execute=True):
        world.walk(case, "submit", "dispatch")
    notice = CitizenNotice.objects.get(case_id=case.pk, purpose="case_in_progress")
    assert (notice.status, len(fake_wechat.sent)) == (status, sends)
    if status == NoticeStatus.FAILED:
        assert "43004" in notice.last_error


def test_an_opted_out_wechat_user_gets_no_template_message(
    world, fake_wechat, django_capture_on_commit_callbacks
):
    case = _wechat_case(
        world, fake_wechat, django_capture_on_commit_callbacks, app_secret="S", template_id="T"
    )
    reply_text(post(text_message("退订")))
    with django_capture_on_commit_callbacks(execute=True):
        world.walk(case, "submit", "dispatch")
    assert _notices(case)[-1] == ("case_in_progress", "wechat", NoticeStatus.OPTED_OUT)
    assert not fake_wechat.sent


def test_the_case_page_lists_the_notices_masked_within_the_data_scope(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = world.walk(world.new_case(), "submit", "dispatch")
    r = world.api("operator").get(f"/api/v1/cases/{case.number}/citizen-notices")
    assert r.status_code == 200, r.content
    rows = r.json()
    assert [n["purpose"] for n in rows] == ["case_in_progress", "case_registered"]
    assert {n["address"] for n in rows} == {"138****5678"}
    assert rows[0]["status"] == "kept"  # the SMS outbox's own state (no gateway configured)
    assert world.api("other").get(f"/api/v1/cases/{case.number}/citizen-notices").status_code == 404
    assert Client().get(f"/api/v1/cases/{case.number}/citizen-notices").status_code == 401
