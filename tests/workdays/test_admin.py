"""The admin pages: the red banner for a missing holiday table, and edits going through the services."""

from __future__ import annotations

import pytest
from django.test import Client

from zhiguan.audit.models import AuditRecord
from zhiguan.workdays import queries, services
from zhiguan.workdays.calendar import LIBRARY_YEARS
from zhiguan.workdays.context import calendar_warnings
from zhiguan.workdays.models import HolidayOverride

BANNER = "No holiday table for 2027: deadlines in 2027 use weekends only."


@pytest.fixture
def admin_client(jurisdiction, make_user, monkeypatch):
    if 2027 in LIBRARY_YEARS:
        pytest.skip("chinesecalendar now knows 2027: move these tests on by a year")
    monkeypatch.setattr(queries, "actionable_years", lambda: [2026, 2027])
    user = make_user(jurisdiction=jurisdiction, is_staff=True, is_superuser=True)
    client = Client()
    # Admin pages are Chinese first; the language cookie chooses English (decision 062).
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_admin_banner_names_the_missing_year_until_it_is_declared(admin_client, system):
    page = admin_client.get("/admin/").content.decode()
    assert BANNER in page and 'class="calendar-missing-year"' in page
    services.set_override(actor=system, day="2027-01-01", kind="holiday", name="元旦")
    services.declare_year_complete(actor=system, year=2027)
    assert "No holiday table" not in admin_client.get("/admin/").content.decode()


def test_context_lists_missing_years_only_for_people_with_a_jurisdiction(admin_client, rf, jurisdiction):
    request = rf.get("/admin/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert calendar_warnings(request) == {}
    request.user = type("U", (), {"is_authenticated": True, "jurisdiction_id": jurisdiction.pk})()
    assert calendar_warnings(request) == {"calendar_missing_years": [2027]}


def test_override_added_in_the_admin_is_audited_and_effective(admin_client, jurisdiction):
    r = admin_client.post(
        "/admin/workdays/holidayoverride/add/",
        {"date": "2026-12-01", "kind": "holiday", "name": "区庆", "note": ""},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert HolidayOverride.objects.get().jurisdiction_id == jurisdiction.pk
    assert AuditRecord.objects.filter(action="calendar.override_set").count() == 1
    assert not queries.get_calendar(jurisdiction.pk).is_working_day(HolidayOverride.objects.get().date)
    assert admin_client.get("/admin/workdays/holidayoverride/").status_code == 200


def test_declaring_an_empty_year_in_the_admin_shows_the_reason(admin_client):
    r = admin_client.post("/admin/workdays/yeartable/add/", {"year": "2027", "note": ""})
    assert r.status_code == 200 and "Enter the holidays of 2027" in r.content.decode()
