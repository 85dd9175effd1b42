"""Overrides, declared years and office hours through the services: audited, validated, effective at once."""

from __future__ import annotations

from datetime import date

import pytest

from zhiguan.audit.models import AuditRecord
from zhiguan.errors import Forbidden, InvalidInput, NotFound
from zhiguan.org.permissions import Actor
from zhiguan.workdays import queries, services
from zhiguan.workdays.models import HolidayOverride

from .conftest import at


def deadline(jurisdiction, start, **amount):
    return services.deadline_for(jurisdiction_id=jurisdiction.pk, start=at(start), **amount)


def test_override_takes_effect_at_once_and_is_audited(system, jurisdiction):
    assert deadline(jurisdiction, "2026-11-30 10:00", working_days=1).at == at("2026-12-01 17:30")
    services.set_override(actor=system, day="2026-12-01", kind="holiday", name="区庆", note="local")
    assert deadline(jurisdiction, "2026-11-30 10:00", working_days=1).at == at("2026-12-02 17:30")
    record = AuditRecord.objects.get(action="calendar.override_set")
    assert record.after["kind"] == "holiday" and record.before is None

    services.set_override(actor=system, day=date(2026, 12, 1), kind="workday")
    assert HolidayOverride.objects.get().kind == "workday"
    services.remove_override(actor=system, day="2026-12-01")
    assert deadline(jurisdiction, "2026-11-30 10:00", working_days=1).at == at("2026-12-01 17:30")
    assert AuditRecord.objects.filter(action__startswith="calendar.").count() == 3


def test_cached_calendar_is_reused_until_a_write_changes_its_version(system, jurisdiction):
    first = queries.get_calendar(jurisdiction.pk)
    assert queries.get_calendar(jurisdiction.pk) is first
    services.set_override(actor=system, day="2026-12-01", kind="holiday")
    second = queries.get_calendar(jurisdiction.pk)
    assert second is not first and not second.is_working_day(date(2026, 12, 1))


def test_overrides_stay_in_their_jurisdiction(system, jurisdiction, other_jurisdiction):
    services.set_override(actor=system, day="2026-12-01", kind="holiday")
    assert queries.get_calendar(other_jurisdiction.pk).is_working_day(date(2026, 12, 1))


def test_declaring_2027_ends_the_warning_and_withdrawing_brings_it_back(system, jurisdiction):
    assert [w.year for w in deadline(jurisdiction, "2026-12-31 10:00", working_days=1).warnings] == [2027]
    assert queries.missing_years(jurisdiction.pk, [2026, 2027]) == [2027]
    with pytest.raises(InvalidInput) as info:
        services.declare_year_complete(actor=system, year=2027)
    assert info.value.code == "year_table_empty"

    services.set_override(actor=system, day="2027-01-01", kind="holiday", name="元旦")
    services.declare_year_complete(actor=system, year=2027, note="国办发明电〔2026〕")
    result = deadline(jurisdiction, "2026-12-31 10:00", working_days=1)
    assert result.at == at("2027-01-04 17:30") and result.warnings == []
    assert queries.calendar_status(jurisdiction.pk)["declared_years"] == [2027]

    services.withdraw_year_declaration(actor=system, year=2027)
    assert [w.year for w in deadline(jurisdiction, "2026-12-31 10:00", working_days=1).warnings] == [2027]


def test_office_hours_change_working_hour_deadlines(system, jurisdiction):
    services.set_office_hours(actor=system, periods=[("09:00", "12:00"), ("14:00", "18:00")])
    assert deadline(jurisdiction, "2026-11-26 17:00", working_hours=2).at == at("2026-11-27 10:00")
    assert deadline(jurisdiction, "2026-11-26 10:00", working_days=1).at == at("2026-11-27 18:00")
    assert queries.calendar_status(jurisdiction.pk)["office_hours"] == [
        {"start": "09:00", "end": "12:00"},
        {"start": "14:00", "end": "18:00"},
    ]


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda a: services.set_override(actor=a, day="2026-02-30", kind="holiday"), "invalid_date"),
        (lambda a: services.set_override(actor=a, day="yesterday", kind="holiday"), "invalid_date"),
        (lambda a: services.set_override(actor=a, day="2099-01-01", kind="holiday"), "invalid_date"),
        (lambda a: services.set_override(actor=a, day="2026-12-01", kind="rest"), "invalid_kind"),
        (
            lambda a: services.set_office_hours(actor=a, periods=[("13:30", "17:30"), ("08:30", "12:00")]),
            "invalid_office_hours",
        ),
        (
            lambda a: services.set_office_hours(actor=a, periods=[("08:30", "14:00"), ("13:30", "17:30")]),
            "invalid_office_hours",
        ),
        (lambda a: services.set_office_hours(actor=a, periods=[("18:00", "08:00")]), "invalid_office_hours"),
        (lambda a: services.set_office_hours(actor=a, periods=[("08:00", "25:00")]), "invalid_office_hours"),
        (lambda a: services.declare_year_complete(actor=a, year=1999), "invalid_year"),
        (
            lambda a: services.deadline_for(jurisdiction_id=a.jurisdiction.pk, start=at("2026-11-26 10:00")),
            "invalid_deadline_spec",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(system, call, code):
    with pytest.raises(InvalidInput) as info:
        call(system)
    assert info.value.code == code
    assert not AuditRecord.objects.filter(action__startswith="calendar.").exists()


def test_removing_a_missing_override_is_not_found(system):
    with pytest.raises(NotFound):
        services.remove_override(actor=system, day="2026-12-01")


def test_calendar_writes_need_calendar_manage(jurisdiction, make_user):
    viewer = Actor.for_user(make_user("dispatcher", jurisdiction=jurisdiction))
    with pytest.raises(Forbidden):
        services.set_override(actor=viewer, day="2026-12-01", kind="holiday")
    with pytest.raises(Forbidden):
        services.set_office_hours(actor=viewer, periods=[("09:00", "17:00")])
    assert not HolidayOverride.objects.exists()
