"""The demo cases: built through the real services, at every status, with continuous timelines."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_data
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.cases.status import Status
from zhiguan.demo.build import build_demo
from zhiguan.demo.cases_run import build_demo_cases

pytestmark = pytest.mark.django_db


def _build(data_dir: Path | None, *, history: bool = False) -> dict[str, Any]:
    jurisdiction = build_demo(data_dir=data_dir, cases=0, log=lambda _line: None)
    return build_demo_cases(
        jurisdiction=jurisdiction, data_dir=data_dir, count=120, log=lambda _line: None, history=history
    )


def _assert_continuous_timelines() -> None:
    events: dict[int, list[CaseEvent]] = {}
    for event in CaseEvent.objects.order_by("case_id", "seq"):
        events.setdefault(event.case_id, []).append(event)
    for case in Case.objects.all():
        timeline = events[case.pk]
        assert [e.seq for e in timeline] == list(range(1, len(timeline) + 1))
        assert (timeline[0].action, timeline[0].from_status, timeline[0].to_status) == (
            "register",
            "",
            Status.REGISTERED,
        )
        assert timeline[0].at == case.created_at
        for before, after in itertools.pairwise(timeline):
            assert after.from_status == before.to_status, case.number
            assert after.at >= before.at, case.number
        assert timeline[-1].to_status == case.status


def test_generated_demo_cases_reach_every_status_with_continuous_timelines() -> None:
    built = _build(None)

    assert built["source"] == "generated"
    assert built["failed"] == {}
    assert built["cases"] == 120
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    assert set(Case.objects.exclude(callback_result="").values_list("callback_result", flat=True)) == {
        "satisfied",
        "basically_satisfied",
        "dissatisfied",
    }
    assert Case.objects.filter(reopen_count__gt=0).exists()
    assert Case.objects.filter(tasks__role="co").exists()
    assert (
        Case.objects.filter(merged_into__isnull=False).count() == Case.objects.filter(status="merged").count()
    )
    _assert_continuous_timelines()


def test_demo_cases_use_the_real_messages_when_present() -> None:
    data_dir = shared_data("tipdm2020_c", "train.csv").parent.parent

    built = _build(data_dir)

    assert built["source"] == "tipdm2020_c"
    assert built["failed"] == {}
    assert set(Case.objects.values_list("status", flat=True)) == set(Status.values)
    _assert_continuous_timelines()


def test_the_demo_brings_two_years_of_closed_history_as_a_migration_would() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from zhiguan.demo.cases_plan import HISTORY_DAYS

    _build(None, history=True)
    imported = Case.objects.filter(events__action="import")
    recent_start = timezone.now() - timedelta(days=HISTORY_DAYS)
    # About 120 / 90 a day over 25 months, less the growth: several hundred.
    assert 500 < imported.count() < 1500
    assert set(imported.values_list("status", flat=True)) <= {Status.CLOSED, Status.CALLBACK_DONE}
    assert not imported.filter(created_at__gte=recent_start).exists()
    assert not imported.filter(closed_at__gte=recent_start).exists()
    oldest = imported.order_by("created_at").values_list("created_at", flat=True).first()
    assert oldest is not None and timezone.now() - oldest > timedelta(days=365 * 2 + 60)
    # Quieter at weekends: fewer than 2/7 of the requests come in on Saturdays and Sundays.
    weekend = sum(
        1 for at in imported.values_list("created_at", flat=True) if timezone.localtime(at).weekday() >= 5
    )
    assert weekend / imported.count() < 0.22
    assert imported.exclude(street__isnull=True).count() > 0.8 * imported.count()
