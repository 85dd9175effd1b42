"""An inspector reports a problem from the street: photos, position (device or photo EXIF), category."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import EAST, INSIDE, OUTSIDE
from tests.conftest import assert_error
from tests.files import JPEG, PNG, jpeg_with_gps
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.geo.crs import from_wgs84

URL = "/api/v1/cases/field-reports"


def _photo(data: bytes = JPEG, name: str = "street.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def _report(world, who="inspector", photos=None, headers=None, **fields):
    form = {"category_id": world.category.pk, "description": "人行道井盖缺失，行人易跌落"}
    form.update({k: v for k, v in fields.items() if v is not None})
    api = world.api(who)
    form["photos"] = photos if photos is not None else [_photo()]
    return api.client.post(URL, data=form, headers={"Accept-Language": "en", **(headers or {})})


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_inspector_reports_with_photos_and_the_device_position(world):
    r = _report(world, photos=[_photo(), _photo(PNG, "close.png")], lng=INSIDE[0], lat=INSIDE[1], accuracy=12)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["position_source"] == "device"
    assert (body["street_name"], body["grid_name"]) == ("下沙街道", "金沙1号网格")
    case = Case.objects.get(number=body["number"])
    inspector = world.users["inspector"]
    assert (case.channel, case.request_type, case.status) == ("inspector", "report", "registered")
    assert case.reported_by_id == inspector.pk
    assert case.reporters.get().name == inspector.full_name
    assert (round(case.lng, 6), round(case.lat, 6)) == INSIDE
    assert CaseAttachment.objects.filter(case=case).count() == 2
    first = case.events.get(seq=1)
    assert (first.action, first.role, first.actor_user_id) == ("register", "inspector", inspector.pk)
    assert AuditRecord.objects.filter(action="case.registered", actor_label=str(inspector)).exists()


def test_my_reports_lists_only_what_i_reported(world):
    mine = _report(world, lng=INSIDE[0], lat=INSIDE[1]).json()["number"]
    theirs = _report(world, who="inspector2", lng=EAST[0], lat=EAST[1]).json()["number"]
    api = world.api("inspector")
    listed = api.get("cases", reported_by_me="true", channel="inspector").json()
    assert [c["number"] for c in listed["items"]] == [mine]
    # The dispatcher sees both, and has reported none of them.
    dispatcher = world.api("dispatcher")
    assert {c["number"] for c in dispatcher.get("cases", channel="inspector").json()["items"]} == {
        mine,
        theirs,
    }
    assert dispatcher.get("cases", reported_by_me="true").json()["items"] == []


def test_without_a_device_position_the_photo_exif_gps_places_the_case(world):
    r = _report(world, photos=[_photo(), _photo(jpeg_with_gps(*INSIDE), "gps.jpg")])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["position_source"] == "photo"
    case = Case.objects.get(number=body["number"])
    assert abs(case.lng - INSIDE[0]) < 1e-5 and abs(case.lat - INSIDE[1]) < 1e-5
    assert case.grid is not None and case.grid.name == "金沙1号网格"


def test_the_device_position_wins_over_the_photo(world):
    r = _report(world, photos=[_photo(jpeg_with_gps(*INSIDE))], lng=EAST[0], lat=EAST[1])
    assert r.status_code == 201, r.content
    assert (r.json()["position_source"], r.json()["street_name"]) == ("device", "白杨街道")


def test_a_gcj02_device_position_is_stored_as_wgs84(world):
    lng, lat = from_wgs84(*INSIDE, "gcj02")
    r = _report(world, lng=float(lng), lat=float(lat), crs="gcj02")
    case = Case.objects.get(number=r.json()["number"])
    assert abs(case.lng - INSIDE[0]) < 1e-5 and abs(case.lat - INSIDE[1]) < 1e-5


@pytest.mark.parametrize(
    "photos, fields, status, code",
    [
        ([], {"lng": INSIDE[0], "lat": INSIDE[1]}, 422, "photo_required"),
        (None, {}, 422, "position_required"),
        (None, {"lng": INSIDE[0]}, 422, "invalid_input"),
        (None, {"lng": OUTSIDE[0], "lat": OUTSIDE[1]}, 422, "outside_jurisdiction"),
        (
            [SimpleUploadedFile("x.jpg", b"<html>not a photo</html>", "image/jpeg")],
            {"lng": INSIDE[0], "lat": INSIDE[1]},
            422,
            None,
        ),
    ],
    ids=["no-photo", "no-position", "half-a-position", "outside", "not-an-image"],
)
def test_a_refused_report_leaves_no_case_and_no_file(world, photos, fields, status, code):
    r = _report(world, photos=photos, **fields)
    assert r.status_code == status, r.content
    if code is not None:
        assert_error(r, status, code)
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0
    assert _stored_files() == []


def test_a_photo_with_no_position_in_it_is_refused_with_a_clear_message(world):
    error = assert_error(_report(world), 422, "position_required")
    assert "location" in error["message"]


def test_the_same_idempotency_key_returns_the_first_report(world):
    key = {"Idempotency-Key": "field-7f3a"}
    first = _report(world, lng=INSIDE[0], lat=INSIDE[1], headers=key)
    again = _report(world, lng=INSIDE[0], lat=INSIDE[1], headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert again.json()["created"] is False
    assert Case.objects.count() == 1
    other = _report(world, lng=EAST[0], lat=EAST[1], headers=key)
    assert_error(other, 422, "idempotency_key_reused")


def test_someone_who_may_not_register_cases_cannot_report(world):
    r = _report(world, who="leader", lng=INSIDE[0], lat=INSIDE[1])
    assert_error(r, 403, "forbidden")
    assert Case.objects.count() == 0


def test_to_verify_lists_only_the_cases_assigned_to_me(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept", "reply", "feed_back")
    world.do(case, "assign_inspector", inspector_id=world.users["inspector2"].pk)
    mine = _report(world, lng=INSIDE[0], lat=INSIDE[1]).json()["number"]
    inspector, inspector2 = world.api("inspector"), world.api("inspector2")
    assert inspector.get("cases", verifier_is_me="true").json()["items"] == []
    assert [c["number"] for c in inspector.get("cases").json()["items"]] == [mine]
    assert [c["number"] for c in inspector2.get("cases", verifier_is_me="true").json()["items"]] == [
        case.number
    ]


def test_an_inspector_can_pick_a_category(world):
    # The taxonomy is reference data: the inspector's "only self" data scope still sees all of it.
    names = [c["name"] for c in world.api("inspector").get("taxonomy/categories").json()]
    assert world.category.name in names
