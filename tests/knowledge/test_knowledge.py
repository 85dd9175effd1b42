"""The knowledge base: Chinese full-text search on this database, suggestions as the operator
types, answering a consultation with an article, expiry and review, usage and ratings, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.intake.knowledge import queries, services
from zhiguan.intake.knowledge.models import Article, ArticleUse

TODAY = timezone.localdate()

ARTICLES = [
    (
        "社保卡丢了怎么补办？",
        "携带身份证到区人力社保局服务大厅或银行网点办理社会保障卡补卡，当场制卡。",
        ["社保", "补卡"],
    ),
    (
        "公积金租房提取需要什么材料？",
        "无房职工租房提取住房公积金，凭身份证和租房合同在公积金中心办理，每年可提取一次。",
        ["公积金", "租房"],
    ),
    (
        "垃圾分类投放时间是几点？",
        "小区生活垃圾定时定点投放，早上7点至9点、晚上6点至8点，厨余垃圾需破袋投放。",
        ["垃圾分类"],
    ),
    ("路边停车怎么收费？", "道路临时停车泊位首30分钟免费，之后每小时5元，夜间8点后免费。", ["停车", "收费"]),
    (
        "新生儿怎么办理户口登记？",
        "出生一个月内凭出生医学证明、父母户口簿和结婚证到派出所办理出生登记。",
        ["户籍", "落户"],
    ),
]


@pytest.fixture
def kb(world):
    admin = world.actor("admin")
    return [
        services.create_article(
            actor=admin, question=q, answer=a, tags=t, category_id=world.consult_category.pk
        )
        for q, a, t in ARTICLES
    ]


def test_the_index_is_this_databases_own(db):
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_article_fts'")
            assert "gin" in cur.fetchone()[0].lower()
        else:
            cur.execute("SELECT sql FROM sqlite_master WHERE name = 'knowledge_article_fts'")
            assert "fts5" in cur.fetchone()[0].lower()


def test_a_spoken_question_finds_the_article_in_chinese(world, kb):
    operator = world.actor("operator")
    found = queries.search(operator, "我的社保卡丢了，想问一下去哪里补")
    assert found and found[0][0].question == "社保卡丢了怎么补办？"
    found = queries.search(operator, "租房子能不能取公积金")
    assert found[0][0].question.startswith("公积金租房提取")
    assert queries.search(operator, "我想问一下") == []  # only words every caller says


def test_suggestions_follow_the_text_as_typed_and_name_the_words_matched(world, kb):
    api = world.api("operator")
    r = api.get("knowledge/suggest", text="小区垃圾几点可以扔")
    assert r.status_code == 200, r.content
    first = r.json()[0]
    assert first["question"] == "垃圾分类投放时间是几点？"
    assert "垃圾" in first["matched"]
    assert api.get("knowledge/suggest", text="").json() == []
    assert_error(api.get("knowledge/suggest", text="x" * 2001), 422, "invalid_input")


def test_an_edit_is_searchable_at_once_and_the_old_words_are_gone(world, kb):
    admin, operator = world.actor("admin"), world.actor("operator")
    parking = kb[3]
    services.update_article(
        actor=admin,
        article_id=parking.pk,
        expected_version=1,
        question="电动自行车充电桩在哪里？",
        answer="各小区已建集中充电棚，扫码充电，每度电1元。",
        tags=["充电"],
    )
    assert queries.search(operator, "电动车充电")[0][0].pk == parking.pk
    assert all(a.pk != parking.pk for a, _ in queries.search(operator, "路边停车收费"))
    with pytest.raises(Exception) as exc:
        services.update_article(
            actor=admin, article_id=parking.pk, expected_version=1, question="旧版本", answer="旧版本的答案"
        )
    assert getattr(exc.value, "code", "") == "conflict"
    services.delete_article(actor=admin, article_id=parking.pk)
    assert all(a.pk != parking.pk for a, _ in queries.search(operator, "电动车充电"))


def test_expired_articles_are_hidden_from_answers_and_listed_for_review(world, kb):
    admin, api = world.actor("admin"), world.api("operator")
    old = kb[1]
    Article.objects.filter(pk=old.pk).update(valid_to=TODAY - timedelta(days=1))
    Article.objects.filter(pk=kb[2].pk).update(review_on=TODAY)
    texts = [s["question"] for s in api.get("knowledge/suggest", text="公积金租房提取").json()]
    assert old.question not in texts
    review = {a["id"]: a for a in api.get("knowledge/review").json()}
    assert review[old.pk]["state"] == "expired" and review[kb[2].pk]["review_due"]
    assert kb[0].pk not in review
    # The editor's search still finds it, marked expired.
    items = api.get("knowledge/articles", q="公积金租房").json()["items"]
    assert items[0]["id"] == old.pk and items[0]["state"] == "expired"
    services.mark_reviewed(
        actor=admin, article_id=old.pk, review_on=TODAY + timedelta(days=180), valid_to=None
    )
    assert old.pk not in {a["id"] for a in api.get("knowledge/review").json()}


def _consultation(world) -> Case:
    return world.new_case(
        request_type="consultation", category_id=world.consult_category.pk, description="社保卡丢了怎么补"
    )


def test_answering_with_an_article_answers_the_case_and_records_the_article(world, kb):
    api = world.api("operator")
    case = _consultation(world)
    r = api.post(
        "knowledge/answer",
        {"case_number": case.number, "article_id": kb[0].pk, "expected_version": case.version},
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "answered"
    case.refresh_from_db()
    assert case.status == "answered"
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    answer = next(e for e in events if e.action == "answer")
    assert answer.note.startswith("携带身份证")  # the article's answer is what the caller was told
    linked = next(e for e in events if e.action == "knowledge_answer")
    assert linked.payload["article_id"] == kb[0].pk
    assert AuditRecord.objects.filter(action="case.answered_with_article").exists()
    assert queries.answered_with(case) == kb[0].pk
    stats = api.get(f"knowledge/articles/{kb[0].pk}").json()
    assert stats["answered"] == 1


def test_an_expired_article_cannot_answer_and_nothing_changes(world, kb):
    api = world.api("operator")
    case = _consultation(world)
    Article.objects.filter(pk=kb[0].pk).update(valid_to=TODAY - timedelta(days=1))
    r = api.post("knowledge/answer", {"case_number": case.number, "article_id": kb[0].pk})
    assert_error(r, 422, "article_expired")
    complaint = world.new_case()
    r = api.post("knowledge/answer", {"case_number": complaint.number, "article_id": kb[1].pk})
    assert_error(r, 409, "not_a_consultation")
    assert not ArticleUse.objects.exists()
    assert Case.objects.get(pk=case.pk).status == "registered"


def test_each_article_shows_how_often_it_answered_and_how_callers_rated_it(world, kb):
    operator = world.actor("operator")
    numbers = []
    for _ in range(3):
        case = _consultation(world)
        services.answer_with_article(
            actor=operator, case_number=case.number, article_id=kb[0].pk, expected_version=None
        )
        numbers.append(case.number)
    # The callers' ratings as the callback records them on the case.
    Case.objects.filter(number=numbers[0]).update(callback_result="satisfied")
    Case.objects.filter(number=numbers[1]).update(callback_result="dissatisfied")
    out = world.api("operator").get(f"knowledge/articles/{kb[0].pk}").json()
    assert out["answered"] == 3
    assert out["ratings"] == {"satisfied": 1, "basically_satisfied": 0, "dissatisfied": 1}
    assert out["satisfaction"] == 0.5


def test_every_edit_is_kept_in_the_history_and_audited(world, kb):
    admin = world.api("admin")
    r = admin.put(
        f"knowledge/articles/{kb[0].pk}",
        {
            "expected_version": 1,
            "question": "社保卡丢失如何补办？",
            "answer": "新答案：可在支付宝线上申请补卡。",
            "tags": ["社保"],
        },
    )
    assert r.status_code == 200, r.content
    history = admin.get(f"knowledge/articles/{kb[0].pk}/history").json()
    assert [h["kind"] for h in history] == ["changed", "created"]
    assert history[1]["question"] == "社保卡丢了怎么补办？"
    assert AuditRecord.objects.filter(action="knowledge.article_changed").count() == 1


def test_only_editors_write_articles_and_bad_input_writes_nothing(world, kb):
    operator = world.api("operator")
    body = {"question": "新问题是什么", "answer": "新答案在这里"}
    assert_error(operator.post("knowledge/articles", body), 403, "forbidden")
    admin = world.api("admin")
    assert_error(admin.post("knowledge/articles", {**body, "category_id": 999999}), 422, "unknown_category")
    assert_error(
        admin.post("knowledge/articles", {**body, "valid_from": "2026-05-01", "valid_to": "2026-01-01"}),
        422,
        "invalid_period",
    )
    assert_error(admin.post("knowledge/articles", {**body, "surprise": 1}), 422, "invalid_input")
    assert Article.objects.count() == len(kb)


def test_canned_replies_by_category_and_status(world):
    admin = world.api("admin")
    cat = world.consult_category.pk
    for title, status in (("已受理", "registered"), ("通用", ""), ("已派单", "dispatched")):
        r = admin.post(
            "knowledge/replies",
            {"category_id": cat, "case_status": status, "title": title, "text": f"{title}，感谢来电。"},
        )
        assert r.status_code == 201, r.content
    rows = world.api("operator").get("knowledge/replies", category_id=cat, case_status="registered").json()
    assert [r["title"] for r in rows] == ["已受理", "通用"]
