"""Every reporter of a merged request is told of the progress of the case it joined and asked to
rate it, by their own channel; the rating is recorded on the merged request, once, so satisfaction
counts every reporter (docs/decisions/087)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from tests.cases.conftest import PATHS
from zhiguan.cases.errors import GuardFailed
from zhiguan.cases.models import Case
from zhiguan.notifications.models import CitizenNotice, OutboxMessage

SECOND = [{"name": "李四", "phone": "13900001111"}]


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"


def _rate(token: str, result: str = "satisfied"):
    return Client().post(
        "/api/v1/cases/public/rate",
        data={"token": token, "result": result},
        content_type="application/json",
    )


def _merged_pair(world, capture):
    target = world.new_case()
    dup = world.new_case(description="金沙路小区门口占道经营又来了", reporters=SECOND)
    with capture(execute=True):
        world.do(dup, "merge", into=target.number, note="同一问题")
    return target, Case.objects.get(pk=dup.pk)


def test_the_merged_reporter_hears_of_dispatch_and_closure_and_rates(
    world, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    target, dup = _merged_pair(world, capture)
    assert CitizenNotice.objects.filter(case_id=dup.pk, purpose="case_merged").exists()
    with capture(execute=True):
        target = world.walk(target, *PATHS["dispatched"])
    told = CitizenNotice.objects.get(case_id=dup.pk, purpose="case_in_progress")
    assert told.address == "13900001111" and dup.number in told.text and target.number in told.text
    assert OutboxMessage.objects.filter(phone="13900001111", text=told.text).exists()  # an SMS
    with capture(execute=True):
        target = world.walk(target, *PATHS["closed"][2:])
    assert target.status == "closed"
    rating = CitizenNotice.objects.get(case_id=dup.pk, purpose="case_closed")
    assert "/rate?token=" in rating.text and rating.address == "13900001111"
    # The first reporter got their own link for the case itself.
    assert CitizenNotice.objects.filter(case_id=target.pk, purpose="case_closed").count() == 1
    token = parse_qs(urlparse(rating.data["link"]).query)["token"][0]
    r = _rate(token, "basically_satisfied")
    assert r.status_code == 200, r.content
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.callback_result == "basically_satisfied"
    event = dup.events.order_by("-seq").first()
    assert event.action == "callback" and event.role == "citizen"
    again = _rate(token)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    # The case it joined is still waiting for its own reporter's rating.
    target.refresh_from_db()
    assert target.status == "closed" and target.callback_result == ""


def test_a_merged_request_is_rated_only_once_its_target_is_closed(world, django_capture_on_commit_callbacks):
    target, dup = _merged_pair(world, django_capture_on_commit_callbacks)
    with pytest.raises(GuardFailed) as exc:
        world.do(dup, "callback", result="satisfied")
    assert exc.value.code == "target_not_closed"
    follow = Client().post(
        "/api/v1/cases/public/follow",
        data={"number": dup.number, "phone_last4": "1111"},
        content_type="application/json",
    )
    assert follow.status_code == 200, follow.content
    assert follow.json()["can_rate"] is False and follow.json()["status"] == "merged"
    world.walk(target, *PATHS["closed"])
    dup = world.do(dup, "callback", result="dissatisfied", by="operator")
    assert dup.status == "merged" and dup.callback_result == "dissatisfied"
    with pytest.raises(GuardFailed) as exc:
        world.do(dup, "callback", result="satisfied")
    assert exc.value.code == "already_rated"


def test_an_undone_merge_forgets_the_rating_of_the_other_case(world, django_capture_on_commit_callbacks):
    target, dup = _merged_pair(world, django_capture_on_commit_callbacks)
    world.walk(target, *PATHS["closed"])
    world.do(dup, "callback", result="satisfied")
    dup = world.do(dup, "unmerge", by="supervisor", note="误合并")
    dup.refresh_from_db()
    assert dup.status == "registered" and dup.callback_result == ""
    assert dup.events.order_by("-seq").first().payload["rating_cleared"] == "satisfied"
