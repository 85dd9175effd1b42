"""预测预警: stored forecasts from the cases, early-warning alerts to the supervisors, scope and API."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.cases.conftest import EAST, INSIDE, World
from tests.conftest import assert_error
from zhiguan.assessment import forecast
from zhiguan.assessment.forecasts import services
from zhiguan.assessment.forecasts.models import ForecastRun, ForecastSeries, WarningAlert
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import services as case_services
from zhiguan.cases.history import HistoricalCase
from zhiguan.cases.models import Case
from zhiguan.notifications.models import OutboxMessage

SH = ZoneInfo("Asia/Shanghai")
# A Wednesday: the current week and month are partial and must not be forecast from.
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=SH)
_serial = iter(range(1, 10**6))


def _history(world: World, days: list[tuple[date, int, Any, tuple[float, float]]]) -> None:
    """Closed cases registered at 10:00 local time on each day: (day, how many, category, point)."""
    records = []
    for day, n, category, point in days:
        for i in range(n):
            at = datetime(day.year, day.month, day.day, 10, i % 50, tzinfo=SH)
            k = next(_serial)
            records.append(
                HistoricalCase(
                    legacy_number=f"OLD-{k}",
                    request_type="complaint",
                    channel="hotline",
                    category_id=category.pk,
                    description=f"测试诉求{k}",
                    registered_at=at,
                    closed_at=at + timedelta(hours=1),
                    lng=point[0],
                    lat=point[1],
                )
            )
    case_services.import_history(actor=world.system, records=records, source="旧系统")


@pytest.fixture
def fast_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    # the two baselines only: the choice and the interval work the same, without the model fits
    monkeypatch.setattr(forecast, "_candidates", lambda series: ["snaive", "wmean4"])


@pytest.fixture
def weeks(world: World) -> World:
    """30 weeks up to the Sunday before NOW: 3 cases a weekday in 下沙 (城市管理), 1 in 白杨 (政策咨询);
    plus 4 cases in the current, partial week that no forecast may count."""
    today = NOW.date()
    days = []
    for i in range(1, 7 * 30 + 3):
        day = today - timedelta(days=i)
        if day.weekday() < 5:
            days.append((day, 3, world.category, INSIDE))
            days.append((day, 1, world.consult_category, EAST))
    days.append((today - timedelta(days=1), 4, world.category, INSIDE))  # Tuesday of this week
    _history(world, days)
    return world


@pytest.mark.django_db
def test_refresh_stores_weekly_series_of_the_complete_weeks_with_forecasts(
    weeks: World, fast_candidates: None
) -> None:
    run = services.refresh(jurisdiction=weeks.jurisdiction, freq="W", now=NOW, workers=1)
    assert run.horizon == 8 and run.data_as_of == date(2026, 11, 15)  # the Sunday before
    rows = {(r.dimension, r.name): r for r in run.series.all()}
    assert set(rows) == {
        ("total", "钱塘区"),
        ("category", "城市管理"),
        ("category", "政策咨询"),
        ("street", "下沙街道"),
        ("street", "白杨街道"),
    }
    total = rows[("total", "钱塘区")]
    # a full week holds 5 weekdays × 4 cases; the partial week of NOW is not in it
    assert total.history[-1] == ["2026-11-09", 20]
    assert all(count == 20 for _d, count in total.history[-10:])
    assert [p[0] for p in total.points] == [
        (date(2026, 11, 16) + timedelta(weeks=i)).isoformat() for i in range(8)
    ]
    for _d, value, lower, upper in total.points:
        assert lower <= value <= upper
        assert value == pytest.approx(20, abs=0.5)
    # the back-test scored both baselines; a flat history is forecast exactly by either
    assert total.model in ("snaive", "wmean4") and total.snaive_mase == 0 and total.wmean4_mase == 0
    assert rows[("street", "白杨街道")].history[-1][1] == 5
    assert AuditRecord.objects.filter(action="forecast.refreshed").count() == 1


@pytest.mark.django_db
def test_only_the_latest_runs_per_frequency_are_kept(weeks: World, fast_candidates: None) -> None:
    for i in range(services.KEEP_RUNS + 2):
        services.refresh(jurisdiction=weeks.jurisdiction, freq="W", now=NOW + timedelta(minutes=i), workers=1)
    monthly = services.refresh(jurisdiction=weeks.jurisdiction, freq="M", now=NOW, workers=1)
    assert ForecastRun.objects.filter(freq="W").count() == services.KEEP_RUNS
    assert ForecastRun.objects.filter(freq="M").count() == 1
    assert monthly.horizon == 3 and monthly.data_as_of == date(2026, 10, 31)
    total = monthly.series.get(dimension="total")
    assert total.history[-1][0] == "2026-10-01" and len(total.points) == 3
    assert ForecastSeries.objects.filter(run__freq="W").count() == 5 * services.KEEP_RUNS


@pytest.fixture
def rise(world: World) -> World:
    """Half a year of a case every third day in two pairs, then 12 cases of 城市管理 in 下沙 in the last
    five days before NOW's day."""
    today = NOW.date()
    days = []
    for i in range(1, 200):
        if i % 3 == 0:
            days.append((today - timedelta(days=i), 1, world.category, INSIDE))
            days.append((today - timedelta(days=i + 1), 1, world.consult_category, EAST))
    for i in range(1, 6):
        days.append((today - timedelta(days=i), 3 if i <= 2 else 2, world.category, INSIDE))
    _history(world, days)
    supervisor = world.users["supervisor"]
    supervisor.mobile = "13900001111"
    supervisor.save()
    leader = world.users["leader"]
    leader.mobile = "13900002222"
    leader.save()
    return world


def _cases(world: World, first: date, last: date) -> set[int]:
    """Cases of 城市管理 in 下沙 registered from `first` to `last` (local days)."""
    since = datetime.combine(first, datetime.min.time(), tzinfo=SH)
    until = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=SH)
    return set(
        Case.objects.filter(
            category=world.category, street__code="330114002", created_at__gte=since, created_at__lt=until
        ).values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_planted_rise_raises_one_alert_with_its_cases_and_texts_the_supervisor(rise: World) -> None:
    raised = services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW)
    assert len(raised) == 1
    alert = raised[0]
    assert alert.category_id == rise.category.parent.parent_id  # the level-1 category 城市管理
    assert alert.area.code == "330114002"
    assert alert.last_day == NOW.date() - timedelta(days=1)
    assert alert.observed >= 12 and alert.expected < 4 and alert.p_value < 0.001
    # the cases of the rising window: the 12 planted ones of the last five days among them
    assert alert.first_day <= NOW.date() - timedelta(days=7)
    assert set(alert.case_ids) == _cases(rise, alert.first_day, alert.last_day)
    assert _cases(rise, NOW.date() - timedelta(days=5), alert.last_day) <= set(alert.case_ids)
    assert len(alert.case_ids) >= 12
    texts = list(OutboxMessage.objects.filter(purpose=services.SMS_PURPOSE))
    assert [m.phone for m in texts] == ["13900001111"]  # the supervisor, not the leader
    assert "下沙街道" in texts[0].text and "城市管理" in texts[0].text
    assert alert.notified == 1
    assert AuditRecord.objects.filter(action="forecast.alert_raised", object_id=str(alert.pk)).exists()


@pytest.mark.django_db
def test_scanning_again_raises_no_duplicate_even_after_acknowledging(rise: World) -> None:
    services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW)
    assert services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW + timedelta(hours=2)) == []
    alert = WarningAlert.objects.get()
    services.acknowledge(actor=rise.actor("supervisor"), alert_id=alert.pk)
    # the next night the same rise still shows: the acknowledged alert is extended, nobody texted again
    assert services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW + timedelta(days=1)) == []
    alert.refresh_from_db()
    assert WarningAlert.objects.count() == 1
    assert alert.status == "acknowledged" and alert.last_day == NOW.date()
    assert OutboxMessage.objects.filter(purpose=services.SMS_PURPOSE).count() == 1


@pytest.mark.django_db
def test_no_alert_without_a_rise(world: World) -> None:
    today = NOW.date()
    _history(world, [(today - timedelta(days=i), 1, world.category, INSIDE) for i in range(1, 150)])
    assert services.scan_warnings(jurisdiction=world.jurisdiction, now=NOW) == []


@pytest.mark.django_db
def test_api_shapes_and_acknowledging(rise: World, fast_candidates: None) -> None:
    services.refresh(jurisdiction=rise.jurisdiction, freq="W", now=NOW, workers=1)
    services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW)
    api = rise.api("supervisor")
    body = api.get("forecasts", freq="W", dimension="category").json()
    assert body["run"]["freq"] == "W" and body["run"]["horizon"] == 8
    assert {s["dimension"] for s in body["series"]} == {"category"}
    series = body["series"][0]
    assert {
        "model",
        "mase",
        "snaive_mase",
        "wmean4_mase",
        "beats_baseline",
        "note",
        "history",
        "forecast",
    } <= set(series)
    assert series["forecast"][0].keys() == {"date", "value", "lower", "upper"}
    assert series["history"][-1]["date"] == "2026-11-09"
    for s in body["series"]:
        assert bool(s["note"]) == (not s["beats_baseline"])
    everything = api.get("forecasts", freq="W").json()["series"]
    assert everything[0]["dimension"] == "total" and len(everything) > len(body["series"])
    assert api.get("forecasts", freq="M").json() == {"run": None, "series": []}
    assert_error(api.get("forecasts", freq="D"), 422, "invalid_input")

    alerts = api.get("forecasts/warnings").json()
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["status"] == "open" and alert["can_acknowledge"] is True
    assert alert["area"]["name"] == "下沙街道" and alert["category"]["name"] == "城市管理"
    window = _cases(rise, date.fromisoformat(alert["first_day"]), date.fromisoformat(alert["last_day"]))
    assert {c["id"] for c in alert["cases"]} == window and alert["case_count"] == len(window)
    assert all(c["number"] for c in alert["cases"])

    done = api.post(f"forecasts/warnings/{alert['id']}/acknowledge")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "acknowledged" and done.json()["acknowledged_by"] == "supervisor"
    assert done.json()["can_acknowledge"] is False
    assert_error(api.post(f"forecasts/warnings/{alert['id']}/acknowledge"), 409, "alert_acknowledged")
    assert api.get("forecasts/warnings", status="open").json() == []
    assert AuditRecord.objects.filter(action="forecast.alert_acknowledged").count() == 1


@pytest.mark.django_db
def test_scope_other_jurisdiction_and_roles(
    rise: World, fast_candidates: None, other_jurisdiction: Any, api_as: Any
) -> None:
    services.refresh(jurisdiction=rise.jurisdiction, freq="W", now=NOW, workers=1)
    services.scan_warnings(jurisdiction=rise.jurisdiction, now=NOW)
    alert_id = WarningAlert.objects.get().pk
    # a supervisor of another district sees nothing and cannot acknowledge (absent: 404)
    stranger = api_as("supervisor", jurisdiction=other_jurisdiction)
    assert stranger.get("forecasts", freq="W").json() == {"run": None, "series": []}
    assert stranger.get("forecasts/warnings").json() == []
    assert_error(stranger.post(f"forecasts/warnings/{alert_id}/acknowledge"), 404, "not_found")
    # a leader reads but may not acknowledge; a handler's department scope holds no district figures
    leader = rise.api("leader")
    assert len(leader.get("forecasts/warnings").json()) == 1
    assert leader.get("forecasts/warnings").json()[0]["can_acknowledge"] is False
    assert_error(leader.post(f"forecasts/warnings/{alert_id}/acknowledge"), 403, "forbidden")
    handler = rise.api("lead")
    assert handler.get("forecasts", freq="W").json()["series"] == []
    assert handler.get("forecasts/warnings").json() == []
    assert_error(rise.api("operator").get("forecasts", freq="W"), 403, "forbidden")
    assert WarningAlert.objects.get().status == "open"


def test_periodic_jobs_wait_for_their_times() -> None:
    from zhiguan import periodic
    from zhiguan.celery import app

    entries = {name: (task, sched) for name, task, sched in periodic._entries()}
    weekly, monthly, nightly = (
        entries[k] for k in ("forecasts-weekly", "forecasts-monthly", "forecasts-warnings")
    )
    assert weekly[0] == monthly[0] == "forecasts.refresh" and nightly[0] == "forecasts.scan_warnings"
    assert app.conf.beat_schedule["forecasts-weekly"]["args"] == ("W",)
    assert weekly[1].hour == {2} and weekly[1].day_of_week == {1} and weekly[1].minute == {0}
    assert monthly[1].hour == {3} and monthly[1].day_of_month == {1}
    assert nightly[1].hour == {6}
    # counted as run at start-up: not due at once, due again within a day / a week / a month
    now = timezone.now()
    for (_task, sched), most in ((nightly, 1), (weekly, 7), (monthly, 31)):
        due, next_in = sched.is_due(now - sched.run_every)
        assert not due and 0 < next_in <= most * 86400 + 3600


@pytest.mark.django_db
def test_the_demo_step_leaves_forecasts_of_both_frequencies(weeks: World, fast_candidates: None) -> None:
    from zhiguan.assessment.forecasts.demo import build_demo_forecasts

    out = build_demo_forecasts(actor=weeks.system)
    assert out["weekly_series"] == out["monthly_series"] == 5 and out["alerts"] == 0
    assert set(ForecastRun.objects.values_list("freq", flat=True)) == {"W", "M"}
