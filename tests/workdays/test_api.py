"""/api/v1/workdays."""

from __future__ import annotations

from ..conftest import assert_error


def test_deadline_dry_run_explains_and_warns(api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    body = api.get("workdays/deadline", start="2026-09-30T10:00:00+08:00", working_days=3).json()
    assert body["at"].startswith("2026-10-10T17:30:00")
    assert "National Day" in body["explanation"] and body["warnings"] == []
    assert body["skipped"][0] == {"date": "2026-10-01", "kind": "holiday", "name": "National Day"}

    body = api.get("workdays/deadline", start="2026-12-31T10:00:00+08:00", working_hours=8).json()
    assert [w["code"] for w in body["warnings"]] == ["holiday_table_missing"]
    assert "2027" in body["warnings"][0]["message"]


def test_deadline_refuses_naive_times_and_ambiguous_amounts(api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    assert_error(
        api.get("workdays/deadline", start="2026-09-30T10:00:00", working_days=1), 422, "naive_datetime"
    )
    assert_error(
        api.get("workdays/deadline", start="2026-09-30T10:00:00+08:00"), 422, "invalid_deadline_spec"
    )
    assert_error(
        api.get("workdays/deadline", start="2026-09-30T10:00:00+08:00", working_days=0),
        422,
        "invalid_working_days",
    )


def test_between_reports_office_time_and_completed_days(api_as, jurisdiction):
    api = api_as("inspector", jurisdiction=jurisdiction)
    body = api.get(
        "workdays/between", start="2026-09-30T16:30:00+08:00", end="2026-10-08T17:30:00+08:00"
    ).json()
    assert body == {"working_seconds": 30600, "working_hours": 8.5, "working_days": 1, "warnings": []}


def test_status_lists_missing_years(api_as, jurisdiction):
    body = api_as("inspector", jurisdiction=jurisdiction).get("workdays/status").json()
    assert 2026 in body["known_years"] and body["office_hours"][0] == {"start": "08:30", "end": "12:00"}
    assert set(body["missing_years"]) <= set(body["checked_years"])


def test_admin_manages_overrides_years_and_office_hours(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    r = admin.put("workdays/overrides/2027-01-01", {"kind": "holiday", "name": "元旦"})
    assert r.status_code == 200, r.content
    assert admin.get("workdays/overrides", year=2027).json() == [
        {"date": "2027-01-01", "kind": "holiday", "name": "元旦", "note": ""}
    ]
    assert admin.put("workdays/years/2027", {"note": ""}).status_code == 200
    assert 2027 in admin.get("workdays/status").json()["known_years"]
    body = admin.get("workdays/deadline", start="2026-12-31T10:00:00+08:00", working_days=1).json()
    assert body["at"].startswith("2027-01-04T17:30") and body["warnings"] == []

    assert admin.delete("workdays/overrides/2027-01-01").status_code == 204
    assert_error(admin.delete("workdays/overrides/2027-01-01"), 404, "not_found")
    assert_error(admin.put("workdays/overrides/2027-02-30", {"kind": "holiday"}), 422, "invalid_date")

    r = admin.put("workdays/office-hours", {"periods": [{"start": "09:00", "end": "17:00"}]})
    assert r.json() == {"periods": [{"start": "09:00", "end": "17:00"}]}
    bad = {"periods": [{"start": "09:00", "end": "13:00"}, {"start": "12:00", "end": "17:00"}]}
    assert_error(admin.put("workdays/office-hours", bad), 422, "invalid_office_hours")


def test_viewers_cannot_change_the_calendar(api_as, jurisdiction, anonymous_api):
    viewer = api_as("dispatcher", jurisdiction=jurisdiction)
    assert_error(viewer.put("workdays/overrides/2026-12-01", {"kind": "holiday"}), 403, "forbidden")
    assert_error(viewer.get("workdays/overrides"), 403, "forbidden")
    assert_error(
        viewer.put("workdays/office-hours", {"periods": [{"start": "09:00", "end": "17:00"}]}),
        403,
        "forbidden",
    )
    assert_error(anonymous_api.get("workdays/status"), 401, "not_authenticated")
