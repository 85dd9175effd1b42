"""Department evaluation: figures a supervisor would count by hand, drill-down, publishing freezes a month."""

from __future__ import annotations

import io
import subprocess
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.utils import timezone

from tests.conftest import assert_error
from zhiguan.assessment.evaluation import queries, services
from zhiguan.assessment.evaluation.measures import month_bounds
from zhiguan.cases.models import Case, CaseDeadline, CaseTask

CLOSE = [
    "submit",
    "dispatch",
    "accept",
    "reply",
    "feed_back",
    "verify_pass",
    "accept_co",
    "reply_co",
    "close",
]


def _last_month() -> date:
    first = timezone.localdate().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def _into_last_month(case: Case) -> None:
    """Move a case's whole history back so that it starts on the 3rd of last month (the month is over)."""
    start, _end = month_bounds(_last_month())
    delta = case.created_at - (start + timedelta(days=2, hours=2))
    fields = ("assigned_at", "accept_due", "handle_due", "accepted_at", "replied_at")
    for task in CaseTask.objects.filter(case=case):
        for f in fields:
            if getattr(task, f) is not None:
                setattr(task, f, getattr(task, f) - delta)
        task.save()
    for d in CaseDeadline.objects.filter(case=case):
        d.started_at -= delta
        d.due_at -= delta
        if d.completed_at:
            d.completed_at -= delta
        d.save()
    Case.objects.filter(pk=case.pk).update(
        created_at=case.created_at - delta, closed_at=case.closed_at - delta if case.closed_at else None
    )
    # The timeline is append-only and stays where it is: the per-person figures are tested this month.


def _late_handling(case: Case) -> None:
    # The handling deadline passed before the department replies.
    past = timezone.now() - timedelta(hours=1)
    CaseTask.objects.filter(case=case).update(handle_due=past)
    CaseDeadline.objects.filter(case=case, stage="handle", active=True).update(due_at=past)


def _row(view: dict[str, Any], world: Any, code: str = "CGJ") -> dict[str, Any]:
    return next(r for r in view["rows"] if r["department_id"] == world.depts[code].pk)


@pytest.fixture
def month_of_cases(world):
    """Last month for 城管局 (lead) and 环保局 (co-handler): five cases a supervisor can count by hand."""
    on_time = world.walk(world.new_case(), *CLOSE, "callback")  # dissatisfied
    late = world.walk(world.new_case(), "submit", "dispatch", "accept")
    _late_handling(late)
    late = world.walk(late, "reply", "feed_back", "verify_pass", "accept_co", "reply_co", "close")
    late = world.do(late, "callback", result="satisfied")
    reworked = world.walk(
        world.new_case(), "submit", "dispatch", "accept", "reply", "feed_back", "verify_fail"
    )
    pending = world.walk(world.new_case(), "submit", "dispatch", "accept")
    _late_handling(pending)
    extended = world.walk(
        world.new_case(), "submit", "dispatch", "accept", "request_extension", "approve_extension"
    )
    cases = {"on_time": on_time, "late": late, "reworked": reworked, "pending": pending, "extended": extended}
    for c in cases.values():
        _into_last_month(Case.objects.get(pk=c.pk))
    return {k: Case.objects.get(pk=v.pk) for k, v in cases.items()}


def _q(path: str, params: dict[str, Any]) -> str:
    return f"{path}?{urlencode(params)}"


def _ids(view_cases: dict[str, Any]) -> set[str]:
    return {c["number"] for c in view_cases["cases"]}


def test_the_month_counts_what_a_supervisor_counts_by_hand(world, month_of_cases):
    c = month_of_cases
    view = queries.month_view(world.actor("supervisor"), month=_last_month())
    assert view["status"] == "draft"
    row = _row(view, world)
    v = row["values"]
    assert row["sample"] == 5
    # 处置率: on_time and late were replied; reworked went back after a failed verification.
    assert (v["handling_rate"]["num"], v["handling_rate"]["den"]) == (2, 5)
    assert (v["handled_on_time"]["num"], v["handled_on_time"]["den"]) == (1, 2)
    assert (v["closure_on_time"]["num"], v["closure_on_time"]["den"]) == (1, 2)
    # A month later the three cases still open are all past their handling deadline.
    assert (v["overdue_pending_rate"]["num"], v["overdue_pending_rate"]["den"]) == (3, 5)
    assert (v["extension_rate"]["num"], v["extension_rate"]["den"]) == (1, 5)
    assert (v["satisfaction"]["num"], v["satisfaction"]["den"]) == (1, 2)
    assert v["accept_on_time"]["den"] == 5
    assert v["handling_days"]["num"] == 2 and v["handling_days"]["value"] is not None
    # The co-handler's duty is counted apart: of its two replies one came after the (shared) deadline.
    co = _row(view, world, "HBJ")
    assert co["values"]["co_feedback_on_time"]["num"] == 1
    assert co["values"]["co_accept_on_time"]["den"] == 5
    assert co["values"]["handling_rate"]["den"] == 0  # it led nothing
    # Score: the CJ/T 292 scorecard, by hand.
    expected = 30 * 2 / 5 + 20 * 1 / 2 + 20 * 1 + 20 * (1 - 3 / 5) + 10 * (1 - 1 / 5)
    assert row["score"] == pytest.approx(expected, abs=0.01)
    assert row["score"] == pytest.approx(58.0) and row["grade"] == "D" and row["rank"] == 1
    # Every figure drills down to its cases.
    supervisor = world.actor("supervisor")
    num = queries.drill(
        supervisor, month=_last_month(), department_id=world.depts["CGJ"].pk, indicator="overdue_pending_rate"
    )
    assert _ids(num) == {c["pending"].number, c["reworked"].number, c["extended"].number}
    den = queries.drill(
        supervisor,
        month=_last_month(),
        department_id=world.depts["CGJ"].pk,
        indicator="handling_rate",
        part="denominator",
    )
    assert _ids(den) == {x.number for x in c.values()}
    sat = queries.drill(
        supervisor, month=_last_month(), department_id=world.depts["CGJ"].pk, indicator="satisfaction"
    )
    assert _ids(sat) == {c["late"].number}


def test_a_suspended_case_leaves_the_denominators(world, month_of_cases):
    world.walk(month_of_cases["extended"], "request_suspension", "approve_suspension")
    row = _row(queries.month_view(world.actor("supervisor"), month=_last_month()), world)
    assert row["sample"] == 4
    assert row["values"]["handling_rate"]["den"] == 4


def test_publishing_freezes_the_month_and_a_correction_is_a_new_version(world, month_of_cases):
    supervisor = world.actor("supervisor")
    month = _last_month()
    ranking = services.publish(actor=supervisor, month=month)
    assert ranking.version == 1
    before = _row(queries.month_view(supervisor, month=month), world)
    # A later change: the reworked case is replied and closed.
    case = world.walk(
        month_of_cases["reworked"], "reply", "feed_back", "verify_pass", "accept_co", "reply_co", "close"
    )
    published = queries.month_view(supervisor, month=month)
    assert published["status"] == "published" and published["version"] == 1
    assert _row(published, world)["values"] == before["values"]
    live = _row(queries.month_view(supervisor, month=month, live=True), world)
    assert live["values"]["handling_rate"]["num"] == 3
    # The published drill-down lists the cases as counted then, the live one as they are now.
    frozen = queries.drill(
        supervisor, month=month, department_id=world.depts["CGJ"].pk, indicator="handling_rate"
    )
    assert case.number not in _ids(frozen)
    with pytest.raises(services.InvalidInput) as err:
        services.publish(actor=supervisor, month=month)
    assert err.value.code == "correction_reason_required"
    services.publish(actor=supervisor, month=month, reason="城管局返工件已于月内办结，更正处置数")
    corrected = queries.month_view(supervisor, month=month)
    assert corrected["version"] == 2 and corrected["reason"].startswith("城管局返工件")
    assert _row(corrected, world)["values"]["handling_rate"]["num"] == 3
    assert [v["version"] for v in corrected["versions"]] == [1, 2]
    first = queries.month_view(supervisor, month=month, version=1)
    assert _row(first, world)["values"]["handling_rate"]["num"] == 2


def test_the_api_refuses_what_cannot_be_evaluated(world, month_of_cases):
    supervisor, leader, admin = world.api("supervisor"), world.api("leader"), world.api("admin")
    assert_error(supervisor.get("/api/v1/evaluation/months/2026-13"), 422, "invalid_month")
    assert_error(supervisor.get("/api/v1/evaluation/months/2099-01"), 422, "month_in_future")
    this_month = timezone.localdate().strftime("%Y-%m")
    assert_error(
        supervisor.post(f"/api/v1/evaluation/months/{this_month}/publish", {}), 422, "month_not_over"
    )
    assert_error(
        leader.post(f"/api/v1/evaluation/months/{_last_month():%Y-%m}/publish", {}), 403, "forbidden"
    )
    bad = {"valid_from": "2026-01", "items": [{"indicator": "handling_rate", "weight": 60}]}
    assert_error(admin.post("/api/v1/evaluation/schemes", bad), 422, "weights_not_100")
    unknown = {"valid_from": "2026-01", "items": [{"indicator": "nope", "weight": 100}]}
    assert_error(admin.post("/api/v1/evaluation/schemes", unknown), 422, "unknown_indicator")
    count = {"valid_from": "2026-01", "items": [{"indicator": "notices", "weight": 100, "transform": "rate"}]}
    assert_error(admin.post("/api/v1/evaluation/schemes", count), 422, "transform_not_for_kind")
    assert_error(supervisor.post("/api/v1/evaluation/schemes", bad), 403, "forbidden")
    drill = f"/api/v1/evaluation/months/{_last_month():%Y-%m}/cases"
    assert_error(
        supervisor.get(_q(drill, {"department_id": world.depts["CGJ"].pk, "indicator": "x"})),
        422,
        "unknown_indicator",
    )
    assert_error(
        supervisor.get(
            _q(drill, {"department_id": world.depts["CGJ"].pk, "indicator": "notices", "part": "denominator"})
        ),
        422,
        "no_denominator",
    )


def test_the_district_sets_its_own_weights_from_a_month_on(world, month_of_cases):
    admin = world.api("admin")
    month = f"{_last_month():%Y-%m}"
    scheme = {
        "valid_from": month,
        "items": [
            {"indicator": "satisfaction", "weight": 50},
            {"indicator": "handling_rate", "weight": 50},
        ],
        "grades": [
            {"letter": "优", "floor": 80},
            {"letter": "良", "floor": 50},
            {"letter": "中", "floor": 0},
        ],
        "min_sample": 6,
        "note": "区考核办 2026 年方案",
    }
    r = admin.post("/api/v1/evaluation/schemes", scheme)
    assert r.status_code == 201, r.content
    view = admin.get(f"/api/v1/evaluation/months/{month}").json()
    assert view["scheme"]["version"] == 1
    row = _row(view, world)
    assert row["score"] == pytest.approx(50 * 1 / 2 + 50 * 2 / 5, abs=0.01)
    # Five cases are under the minimum sample of six: shown, not ranked.
    assert row["ranked"] is False and row["rank"] is None and row["grade"] == ""
    # The month before keeps the built-in scheme.
    earlier = (_last_month() - timedelta(days=1)).strftime("%Y-%m")
    assert admin.get(f"/api/v1/evaluation/months/{earlier}").json()["scheme"]["version"] == 0


def test_a_department_drills_only_into_the_cases_it_may_see(world, month_of_cases):
    other = world.api("other")  # 交通局: none of these cases is its own
    r = other.get(
        _q(
            f"/api/v1/evaluation/months/{_last_month():%Y-%m}/cases",
            {"department_id": world.depts["CGJ"].pk, "indicator": "handling_rate", "part": "denominator"},
        )
    )
    assert r.status_code == 200, r.content
    assert r.json()["total"] == 5 and r.json()["visible"] == 0 and r.json()["cases"] == []


def test_the_wall_exports_carry_the_month_the_version_and_the_data_as_of_time(world, month_of_cases):
    from openpyxl import load_workbook

    supervisor = world.api("supervisor")
    supervisor.headers["Accept-Language"] = "zh-hans"  # the wall copy is in Chinese
    month = f"{_last_month():%Y-%m}"
    assert supervisor.post(f"/api/v1/evaluation/months/{month}/publish", {}).status_code == 201
    xlsx = supervisor.get(f"/api/v1/evaluation/months/{month}/export?format=xlsx")
    assert xlsx.status_code == 200
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any("部门考评通报" in t for t in texts), texts[:8]
    assert any(t.startswith("数据截至") for t in texts)
    assert any("版本 1" in t or "第 1 版" in t for t in texts)
    assert "城管局" in texts
    pdf = supervisor.get(f"/api/v1/evaluation/months/{month}/export?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode()
    assert "城管局" in text and "数据截至" in text and "部门考评通报" in text


def test_staff_figures_count_each_persons_work_this_month(world):
    world.case_in("answered")
    world.new_case()
    returned = world.case_in("returned")
    world.do(returned, "accept_return")  # justified: the dispatch was wrong
    world.case_in("dispatched")
    figures = services.role_figures(
        jurisdiction_id=world.jurisdiction.pk, month=timezone.localdate(), as_of=timezone.now()
    )
    operator = next(r for r in figures["operators"] if r["user_id"] == world.users["operator"].pk)
    assert operator["register"] == 4 and operator["answer"] == 1
    assert operator["first_contact_rate"] == pytest.approx(0.25)
    dispatcher = next(r for r in figures["dispatchers"] if r["user_id"] == world.users["dispatcher"].pk)
    assert dispatcher["dispatch"] == 2 and dispatcher["wrong_dispatches"] == 1
    assert dispatcher["dispatch_accuracy"] == pytest.approx(0.5)
    assert figures["centre"]["registered"] == 4 and figures["centre"]["answered_at_intake"] == 1
