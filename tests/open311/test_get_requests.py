"""GET requests and requests/{id}: the spec's filters and defaults, the fields, the extensions."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tests.open311.conftest import BASE, client, error, form, xml
from zhiguan.cases.models import Case


def _file(world, key, **overrides):
    r = client().post(BASE + "requests.json", form(world, key, **overrides))
    assert r.status_code == 201, r.content
    return Case.objects.get(number=r.json()[0]["service_request_id"])


def _ids(response):
    return [r["service_request_id"] for r in response.json()]


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, text
    return moment


def test_a_request_has_every_field_of_the_spec_as_strings(world, api_key):
    case = _file(world, api_key)
    body = client().get(f"{BASE}requests/{case.number}.json").json()
    assert isinstance(body, list) and len(body) == 1
    one = body[0]
    assert list(one) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert all(isinstance(v, str) for v in one.values())
    assert (one["service_request_id"], one["status"], one["service_code"]) == (
        case.number,
        "open",
        world.category.code,
    )
    assert one["description"] == "人行道上有流动摊贩占道经营"
    assert (one["lat"], one["long"]) == ("30.250000", "120.350000")
    assert _aware(one["requested_datetime"]) == case.created_at.replace(microsecond=0)
    assert one["expected_datetime"] == ""  # no deadline runs before the operator accepts it
    root = xml(client().get(f"{BASE}requests/{case.number}.xml"))
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == case.number
    error(client().get(f"{BASE}requests/NOPE.xml"), 404)
    error(client().get(f"{BASE}requests/NOPE.json"), 404, "json")


def test_a_dispatched_case_names_the_agency_and_a_closed_one_is_closed(world, api_key):
    dispatched = world.walk(_file(world, api_key), "submit", "dispatch")
    one = client().get(f"{BASE}requests/{dispatched.number}.json").json()[0]
    assert (one["status"], one["agency_responsible"]) == ("open", "城管局")
    handle_due = dispatched.deadlines.get(stage="handle", active=True).due_at
    assert _aware(one["expected_datetime"]) == handle_due.replace(microsecond=0)
    closed = world.walk(
        _file(world, api_key),
        *[
            "submit",
            "dispatch",
            "accept",
            "reply",
            "feed_back",
            "verify_pass",
            "accept_co",
            "reply_co",
            "close",
        ],
    )
    one = client().get(f"{BASE}requests/{closed.number}.json").json()[0]
    assert (one["status"], one["expected_datetime"]) == ("closed", "")


def test_a_hotline_text_stays_internal(world, api_key):
    case = world.new_case()  # phoned in: the operator's words and the caller are not published
    one = client().get(f"{BASE}requests/{case.number}.json").json()[0]
    assert one["description"] == "" and one["service_code"] == world.category.code


def test_the_default_is_the_last_90_days_newest_first(world, api_key):
    old, mid, new = (_file(world, api_key) for _ in range(3))
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    Case.objects.filter(pk=mid.pk).update(created_at=timezone.now() - timedelta(days=10))
    assert _ids(client().get(BASE + "requests.json")) == [new.number, mid.number]
    root = xml(client().get(BASE + "requests.xml"))
    assert [r.find("service_request_id").text for r in root.findall("request")] == [new.number, mid.number]


def test_service_request_id_overrides_every_other_filter(world, api_key):
    a, _b, c = (_file(world, api_key) for _ in range(3))
    Case.objects.filter(pk=a.pk).update(created_at=timezone.now() - timedelta(days=400))
    r = client().get(
        BASE + "requests.json",
        {
            "service_request_id": f"{a.number}, {c.number},NOPE",
            "status": "closed",
            "start_date": "2001-01-01T00:00:00Z",
            "end_date": "2001-01-02T00:00:00Z",
        },
    )
    assert sorted(_ids(r)) == sorted([a.number, c.number])


def test_window_status_and_service_code_filters(world, api_key):
    a = _file(world, api_key)
    b = world.walk(_file(world, api_key), "reject")
    c = world.new_case(category_id=world.consult_category.pk, request_type="consultation")
    now = timezone.now()
    start = (now - timedelta(days=1)).isoformat()
    end = (now + timedelta(minutes=1)).isoformat()
    assert set(_ids(client().get(BASE + "requests.json", {"start_date": start, "end_date": end}))) == {
        a.number,
        b.number,
        c.number,
    }
    assert _ids(client().get(BASE + "requests.json", {"status": "closed"})) == [b.number]
    assert set(_ids(client().get(BASE + "requests.json", {"status": "open"}))) == {a.number, c.number}
    assert set(_ids(client().get(BASE + "requests.json", {"status": "open,closed"}))) == {
        a.number,
        b.number,
        c.number,
    }
    assert _ids(client().get(BASE + "requests.json", {"service_code": world.consult_category.code})) == [
        c.number
    ]
    both = f"{world.consult_category.code},{world.category.code}"
    assert len(_ids(client().get(BASE + "requests.json", {"service_code": both}))) == 3
    past = {"start_date": "2020-01-01T00:00:00+08:00", "end_date": "2020-03-01T00:00:00+08:00"}
    assert client().get(BASE + "requests.json", past).json() == []
    # Only start_date: the 90 days from it; a date alone is its midnight.
    assert client().get(BASE + "requests.json", {"start_date": "2020-01-01"}).json() == []


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-02T00:00:00Z"},  # 91 days
        {"start_date": "2026-03-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"page": "0"},
        {"page_size": "1001"},
        {"page_size": "x"},
    ],
)
def test_bad_filters_are_400(world, params):
    error(client().get(BASE + "requests.xml", params), 400)
    error(client().get(BASE + "requests.json", params), 400, "json")


def test_page_and_page_size_are_one_based_and_past_the_end_empty(world, api_key):
    cases = [_file(world, api_key) for _ in range(5)]
    newest_first = [c.number for c in reversed(cases)]
    assert _ids(client().get(BASE + "requests.json", {"page_size": "2"})) == newest_first[:2]
    assert _ids(client().get(BASE + "requests.json", {"page_size": "2", "page": "3"})) == newest_first[4:]
    assert client().get(BASE + "requests.json", {"page_size": "2", "page": "4"}).json() == []


def test_at_most_1000_by_default(world, api_key, settings):
    from zhiguan.intake.open311 import queries

    settings.ZHIGUAN_OPEN311_RATE = "1000/m"
    for _ in range(3):
        _file(world, api_key)
    original = queries.MAX_PAGE
    queries.MAX_PAGE = 2
    try:
        assert len(client().get(BASE + "requests.json").json()) == 2
    finally:
        queries.MAX_PAGE = original


def test_extensions_add_the_channel_the_photos_and_the_public_steps(world, api_key):
    case = world.walk(_file(world, api_key, media_url="https://fms.example/1.jpg"), "submit", "dispatch")
    plain = client().get(f"{BASE}requests/{case.number}.json").json()[0]
    assert "extended_attributes" not in plain and plain["media_url"] == "https://fms.example/1.jpg"
    one = client().get(f"{BASE}requests/{case.number}.json", {"extensions": "true"}).json()[0]
    ext = one["extended_attributes"]
    assert ext["channel"] == case.channel and ext["photos"] == []
    assert [n["summary"] for n in ext["notes"]] == ["received", "accepted", "dispatched"]
    listed = client().get(BASE + "requests.json", {"extensions": "true"}).json()[0]
    assert listed["extended_attributes"]["notes"] == ext["notes"]
    root = xml(client().get(f"{BASE}requests/{case.number}.xml", {"extensions": "true"}))
    assert [n.find("summary").text for n in root.findall("request/extended_attributes/notes/note")] == [
        "received",
        "accepted",
        "dispatched",
    ]
