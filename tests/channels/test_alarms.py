"""Sensor and smart-module alarms: one case per alarm, whatever the sensor repeats or clears."""

from __future__ import annotations

import pytest

from tests.cases.conftest import EAST, INSIDE, OUTSIDE
from tests.conftest import assert_error
from zhiguan.cases.models import Case
from zhiguan.intake.channels.models import Alarm

URL = "channels/alarms"


@pytest.fixture
def manhole(world):
    from zhiguan.taxonomy.services import create_category

    return create_category(actor=world.system, name="井盖", parent_id=world.category.parent_id)


def _alarm(**extra):
    return {
        "alarm_id": "AL-1",
        "device_id": "JG-0042",
        "alarm_type": "manhole_tilt",
        "level": 2,
        "occurred_at": "2026-12-02T03:10:00+08:00",
        "lng": INSIDE[0],
        "lat": INSIDE[1],
        **extra,
    }


def test_an_alarm_becomes_one_urgent_case_at_its_position(world, machine, manhole):
    r = machine("case.create").post(URL, _alarm())
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert (case.channel, case.external_ref, case.category_id, case.urgency) == (
        "sensor",
        "AL-1",
        manhole.pk,
        "urgent",
    )
    assert "JG-0042" in case.description
    origin = world.api("dispatcher").get(f"channels/origins/{case.number}").json()
    assert (origin["kind"], origin["device_id"], origin["alarm_state"]) == ("alarm", "JG-0042", "active")


def test_a_low_level_alarm_is_a_normal_case(world, machine, manhole):
    r = machine("case.create").post(URL, _alarm(level=4))
    assert Case.objects.get(number=r.json()["number"]).urgency == "normal"


def test_repeats_and_updates_of_an_alarm_never_make_a_second_case(world, machine, manhole):
    api = machine("case.create")
    first = api.post(URL, _alarm()).json()
    again = api.post(URL, _alarm())
    worse = api.post(URL, _alarm(level=1))
    assert again.status_code == worse.status_code == 200
    assert again.json()["number"] == worse.json()["number"] == first["number"]
    assert Case.objects.count() == 1
    assert Alarm.objects.get().level == 1


def test_a_cleared_alarm_is_recorded_on_its_case_once(world, machine, manhole):
    api = machine("case.create")
    number = api.post(URL, _alarm()).json()["number"]
    cleared = api.post(URL, _alarm(state="cleared", occurred_at="2026-12-02T04:00:00+08:00"))
    assert cleared.status_code == 200 and cleared.json()["state"] == "cleared"
    api.post(URL, _alarm(state="cleared"))
    api.post(URL, _alarm())  # a late repeat of the raise does not reopen it
    case = Case.objects.get(number=number)
    assert case.events.filter(action="alarm_clear").count() == 1
    assert case.status == "registered"  # the case stays for the dispatcher to judge
    assert Alarm.objects.get().state == "cleared" and Case.objects.count() == 1


def test_clearing_an_alarm_never_raised_is_refused(world, machine, manhole):
    assert_error(machine("case.create").post(URL, _alarm(state="cleared")), 404, "unknown_alarm")
    assert not Case.objects.exists()


def test_an_alarm_without_a_position_stands_where_the_device_stood(world, machine, manhole):
    api = machine("case.create")
    api.post(URL, _alarm(lng=EAST[0], lat=EAST[1]))
    r = api.post(URL, _alarm(alarm_id="AL-2", lng=None, lat=None))
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert (round(case.lng, 6), round(case.lat, 6)) == EAST


def test_an_alarm_without_any_position_is_refused(world, machine, manhole):
    r = machine("case.create").post(URL, _alarm(lng=None, lat=None))
    assert_error(r, 422, "position_required")
    assert not Case.objects.exists()


def test_an_alarm_outside_the_district_creates_nothing(world, machine, manhole):
    assert_error(
        machine("case.create").post(URL, _alarm(lng=OUTSIDE[0], lat=OUTSIDE[1])), 422, "outside_jurisdiction"
    )
    assert not Case.objects.exists() and not Alarm.objects.exists()


def test_bad_alarms_are_refused(world, machine, manhole):
    api = machine("case.create")
    assert_error(api.post(URL, _alarm(level=9)), 422, "invalid_input")
    assert_error(api.post(URL, _alarm(occurred_at="2026-12-02T03:10:00")), 422, "invalid_input")
    assert_error(api.post(URL, _alarm(alarm_id="a b<c>")), 422, "invalid_input")
    assert_error(api.post(URL, _alarm(alarm_type="unicorn")), 422, "unmapped_event_type")
    assert_error(api.post(URL, _alarm(lat=None)), 422, "invalid_input")
    assert not Case.objects.exists()


def test_alarms_need_a_token_with_the_intake_scope(world, machine, manhole):
    from tests.conftest import ApiClient

    assert_error(ApiClient(machine("case.create").client).post(URL, _alarm()), 401, "not_authenticated")
    assert_error(machine("video.report").post(URL, _alarm()), 403, "forbidden")
