"""The rating link is sent on every path that ends a case with a service to the caller — closed
after handling, or a consultation answered at intake — and the rating is recorded, so the knowledge
base can say how callers rated the article that answered them (docs/decisions/085)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client

from tests.cases.conftest import PATHS
from zhiguan.cases.errors import GuardFailed
from zhiguan.cases.models import Case
from zhiguan.intake.knowledge import queries as knowledge_queries
from zhiguan.intake.knowledge import services as knowledge
from zhiguan.notifications.models import CitizenNotice, OutboxMessage

ANSWER = "居住证请到街道便民服务中心办理，带身份证和租房合同。"


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.ZHIGUAN_PUBLIC_URL = "https://12345.example.gov.cn"


def _links(case: Case) -> list[str]:
    return [
        n.data["link"]
        for n in CitizenNotice.objects.filter(case_id=case.pk)
        if "/rate?token=" in n.data.get("link", "")
    ]


def _token(link: str) -> str:
    return parse_qs(urlparse(link).query)["token"][0]


def _rate(token: str, result: str = "satisfied") -> dict:
    r = Client().post(
        "/api/v1/cases/public/rate",
        data={"token": token, "result": result},
        content_type="application/json",
        headers={"Accept-Language": "en"},
    )
    assert r.status_code == 200, r.content
    return r.json()


def _consultation(world):
    return world.new_case(request_type="consultation", category_id=world.consult_category.pk)


def test_an_answered_consultation_gets_one_message_with_the_answer_and_its_rating_link(
    world, django_capture_on_commit_callbacks
):
    case = _consultation(world)
    with django_capture_on_commit_callbacks(execute=True):
        world.do(case, "answer", note=ANSWER)
    notice = CitizenNotice.objects.get(case_id=case.pk)
    assert notice.purpose == "case_answered"
    assert ANSWER in notice.text and "https://12345.example.gov.cn/rate?token=" in notice.text
    assert OutboxMessage.objects.get().text == notice.text  # one SMS, not two
    assert len(OutboxMessage.objects.get().text) <= 500
    body = _rate(_token(notice.data["link"]), "basically_satisfied")
    assert body["callback_result"] == "basically_satisfied"
    case.refresh_from_db()
    assert case.status == "callback_done" and case.callback_result == "basically_satisfied"
    event = case.events.order_by("-seq").first()
    assert event.action == "callback" and event.role == "citizen"


def test_a_long_answer_yields_room_to_the_link(world, django_capture_on_commit_callbacks):
    case = _consultation(world)
    with django_capture_on_commit_callbacks(execute=True):
        world.do(case, "answer", note="很长的答复。" * 200)
    text = OutboxMessage.objects.get().text
    assert len(text) <= 500 and "/rate?token=" in text and "…" in text


@pytest.mark.parametrize("status", ["closed", "answered"])
def test_every_ending_with_a_service_sends_exactly_one_rating_link(
    world, status, django_capture_on_commit_callbacks
):
    from zhiguan.cases.events import case_changed

    case = (
        _consultation(world) if status == "answered" else world.walk(world.new_case(), *PATHS["closed"][:-1])
    )
    with django_capture_on_commit_callbacks(execute=True):
        case = world.do(case, PATHS[status][-1])
    assert len(_links(case)) == 1
    # The listeners run again (a retried signal): still one link.
    last = case.events.order_by("-seq").first()
    with django_capture_on_commit_callbacks(execute=True):
        case_changed.send(sender=Case, case_id=case.pk, event_id=last.pk, action=last.action)
    assert len(_links(case)) == 1


@pytest.mark.parametrize("status", ["rejected", "merged"])
def test_a_rejected_or_merged_report_gets_no_rating_link(world, status, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = world.case_in(status)
    assert _links(case) == []


def test_an_operator_may_record_a_consultation_callers_rating_by_phone(world):
    case = world.walk(_consultation(world), "answer")
    case = world.do(case, "callback", by="operator", result="dissatisfied")
    assert case.status == "callback_done" and case.callback_result == "dissatisfied"
    # Reopening returns a case to its department; a consultation answered at intake has none.
    with pytest.raises(GuardFailed) as exc:
        world.do(case, "reopen")
    assert exc.value.code == "answered_at_intake"


def test_the_knowledge_base_shows_how_callers_rated_the_article(world, django_capture_on_commit_callbacks):
    admin = world.actor("admin")
    article = knowledge.create_article(
        actor=admin,
        question="居住证怎么办理",
        answer=ANSWER,
        tags=["居住证"],
        category_id=world.consult_category.pk,
    )
    results = ["satisfied", "dissatisfied", "satisfied"]
    for result in results:
        case = _consultation(world)
        with django_capture_on_commit_callbacks(execute=True):
            knowledge.answer_with_article(
                actor=world.actor("operator"),
                case_number=case.number,
                article_id=article.pk,
                expected_version=None,
            )
        _rate(_token(_links(case)[0]), result)
    stats = knowledge_queries.usage([article.pk])[article.pk]
    assert stats["answered"] == 3
    assert stats["ratings"] == {"satisfied": 2, "basically_satisfied": 0, "dissatisfied": 1}
    assert stats["satisfaction"] == pytest.approx(0.667, abs=0.001)


def test_the_follow_page_of_an_answered_consultation_offers_the_rating_and_keeps_the_answer(
    world, django_capture_on_commit_callbacks
):
    from zhiguan.intake import citizen

    case = _consultation(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = world.do(case, "answer", note=ANSWER)
    view = citizen.public_view(case)
    assert view["can_rate"] is True and view["reply"] == ANSWER
    _rate(_token(_links(case)[0]))
    case.refresh_from_db()
    view = citizen.public_view(case)
    assert view["can_rate"] is False and view["reply"] == ANSWER and view["callback_result"] == "satisfied"
