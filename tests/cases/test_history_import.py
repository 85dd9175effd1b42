"""Closed cases brought over from a district's previous system (`services.import_history`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.cases.conftest import EAST, INSIDE, OUTSIDE, World
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import services
from zhiguan.cases.events import history_imported
from zhiguan.cases.history import HistoricalCase
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.errors import DomainError, Forbidden

SH = ZoneInfo("Asia/Shanghai")


def record(world: World, n: int, **over: Any) -> HistoricalCase:
    at = datetime(2025, 3, 4, 9, 30, tzinfo=SH) + timedelta(days=n)
    fields: dict[str, Any] = {
        "legacy_number": f"OLD-{n:04d}",
        "request_type": "complaint",
        "channel": "hotline",
        "category_id": world.category.pk,
        "description": f"金沙大道{n}号门口占道经营",
        "registered_at": at,
        "closed_at": at + timedelta(days=3, hours=2),
        "lng": INSIDE[0],
        "lat": INSIDE[1],
        "lead_department_id": world.depts["CGJ"].pk,
        "callback_result": "satisfied",
    }
    fields.update(over)
    return HistoricalCase(**fields)


@pytest.mark.django_db
def test_imported_cases_keep_their_times_place_and_result(world: World) -> None:
    records = [record(world, 0), record(world, 1, lng=EAST[0], lat=EAST[1], callback_result="")]
    out = services.import_history(actor=world.actor("admin"), records=records, source="旧系统")
    assert out == {"imported": 2, "skipped": 0}
    first, second = Case.objects.filter(jurisdiction=world.jurisdiction).order_by("created_at")
    assert first.created_at == records[0].registered_at
    assert first.closed_at == records[0].closed_at
    assert (first.status, first.callback_result) == ("callback_done", "satisfied")
    assert second.status == "closed"
    assert first.street.code == "330114002" and second.street.code == "330114003"
    assert first.grid.code == "G1"
    # Numbered by the day it was registered then, like any case of that day.
    assert first.number == f"{world.jurisdiction.code}-20250304-00001"
    (event,) = CaseEvent.objects.filter(case=first)
    assert event.action == "import" and event.to_status == "callback_done"
    assert event.payload["source"] == "旧系统" and event.payload["legacy_number"] == "OLD-0000"
    # Nothing invented: no task, no deadline.
    assert not first.tasks.exists()
    assert AuditRecord.objects.filter(action="case.history_imported").count() == 1


@pytest.mark.django_db
def test_importing_the_same_file_again_adds_nothing(world: World) -> None:
    records = [record(world, i) for i in range(3)]
    services.import_history(actor=world.actor("admin"), records=records, source="旧系统")
    again = services.import_history(
        actor=world.actor("admin"), records=[*records, record(world, 9)], source="旧系统"
    )
    assert again == {"imported": 1, "skipped": 3}
    assert Case.objects.filter(jurisdiction=world.jurisdiction).count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"category_id": 999_999}, "records[1].category_id"),
        ({"closed_at": datetime(2025, 1, 1, tzinfo=SH)}, "records[1].closed_at"),
        ({"channel": "fax"}, "records[1].channel"),
        ({"description": "  "}, "records[1].description"),
        ({"callback_result": "meh"}, "records[1].callback_result"),
        ({"lng": OUTSIDE[0], "lat": OUTSIDE[1]}, "records[1].lng"),
        ({"lat": None}, "records[1].lng"),
    ],
)
def test_one_bad_record_refuses_the_batch_and_writes_nothing(world: World, over: dict, field: str) -> None:
    records = [record(world, 0), record(world, 1, **over)]
    with pytest.raises(DomainError) as err:
        services.import_history(actor=world.actor("admin"), records=records, source="旧系统")
    assert err.value.details["field"] == field
    assert not Case.objects.filter(jurisdiction=world.jurisdiction).exists()
    assert not AuditRecord.objects.filter(action="case.history_imported").exists()


@pytest.mark.django_db
def test_only_those_allowed_to_import_may(world: World) -> None:
    with pytest.raises(Forbidden):
        services.import_history(actor=world.actor("operator"), records=[record(world, 0)], source="旧系统")


class SignalAfterCommit(TestCase):
    """One `history_imported` for the batch, after the commit (rollup keepers rebuild the range)."""

    def test_signal(self) -> None:
        from tests.cases.conftest import build_world
        from zhiguan.tenancy.models import Jurisdiction

        world = build_world(Jurisdiction.objects.create(code="330114", name="钱塘区"))
        heard: list[dict] = []

        def listener(sender: Any, **kwargs: Any) -> None:
            heard.append(kwargs)

        history_imported.connect(listener)
        try:
            with self.captureOnCommitCallbacks(execute=True):
                services.import_history(
                    actor=world.actor("admin"), records=[record(world, 0), record(world, 5)], source="旧系统"
                )
        finally:
            history_imported.disconnect(listener)
        assert len(heard) == 1
        assert heard[0]["count"] == 2
        assert heard[0]["since"] == record(world, 0).registered_at
        assert heard[0]["until"] == record(world, 5).registered_at


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=datetime(2023, 1, 1).date(), max_value=datetime(2026, 11, 1).date()))
def test_the_demo_history_is_quieter_on_days_off_and_grows_towards_now(day: Any) -> None:
    from zhiguan.demo.history import daily_rate

    class FakeWorld:
        now = datetime(2026, 12, 1, tzinfo=SH)

        class calendar:
            @staticmethod
            def is_working_day(d: Any) -> bool:
                return d.weekday() < 5

    moment = datetime(day.year, day.month, day.day, tzinfo=SH)
    rate = daily_rate(FakeWorld, moment, 20.0)  # type: ignore[arg-type]
    assert 0 < rate < 20 * 1.13
    a_year_later = moment + timedelta(days=364)  # same weekday, about the same season
    if a_year_later < FakeWorld.now:
        assert daily_rate(FakeWorld, a_year_later, 20.0) > rate  # type: ignore[arg-type]
    if day.weekday() >= 5:
        weekday = moment - timedelta(days=day.weekday() - 2)
        assert rate < daily_rate(FakeWorld, weekday, 20.0)  # type: ignore[arg-type]
