"""Citizens submit requests themselves: registered for an operator's review, audited as the portal."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseAttachment

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _form(world, **overrides):
    form = {
        "jurisdiction": world.jurisdiction.code,
        "request_type": "complaint",
        "category_id": world.category.pk,
        "description": "小区门口路灯不亮已经一周",
        "name": "李四",
        "phone": "13912345678",
        "lng": 120.35,
        "lat": 30.25,
        "crs": "wgs84",
        "address": "金沙大道1号",
    }
    form.update(overrides)
    return form


def _post(form, **headers):
    return Client(headers={"Accept-Language": "en", **headers}).post("/api/v1/cases/public/submit", data=form)


def test_a_citizen_submits_with_a_photo_and_follows_the_case(world, anonymous_api):
    form = _form(world, photo=SimpleUploadedFile("lamp.png", PNG, content_type="image/png"))
    r = _post(form)
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    case = Case.objects.get(number=number)
    assert (case.status, case.channel, case.street.name) == ("registered", "web", "下沙街道")
    assert CaseAttachment.objects.filter(case=case).count() == 1
    assert AuditRecord.objects.filter(action="case.registered", actor_label__contains="市民门户").exists()
    followed = anonymous_api.post("cases/public/follow", {"number": number, "phone_last4": "5678"})
    assert followed.status_code == 200 and followed.json()["status"] == "accepted"


def test_the_same_idempotency_key_returns_the_first_case(world):
    first = _post(_form(world), **{"Idempotency-Key": "abc-123"})
    again = _post(_form(world), **{"Idempotency-Key": "abc-123"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Case.objects.count() == 1


def test_bad_submissions_change_nothing(world):
    counts = (Case.objects.count(), CaseAttachment.objects.count(), AuditRecord.objects.count())
    assert_error(_post(_form(world, lng=121.9, lat=31.2)), 422, "outside_jurisdiction")
    assert_error(_post(_form(world, category_id=999999)), 422, "unknown_category")
    assert_error(_post(_form(world, phone="12")), 422, "invalid_input")
    assert_error(_post(_form(world, jurisdiction="999999")), 404, "not_found")
    assert (Case.objects.count(), CaseAttachment.objects.count(), AuditRecord.objects.count()) == counts


def test_public_categories_list_levels_one_and_two(world, anonymous_api):
    rows = anonymous_api.get("cases/public/categories", jurisdiction=world.jurisdiction.code).json()
    assert {r["level"] for r in rows} <= {1, 2} and rows
    assert_error(anonymous_api.get("cases/public/categories", jurisdiction="999999"), 404, "not_found")


def test_street_outlines_are_public_but_grids_are_not(world, anonymous_api):
    streets = anonymous_api.get("cases/public/areas.geojson", jurisdiction=world.jurisdiction.code).json()
    assert {f["properties"]["name"] for f in streets["features"]} == {"下沙街道", "白杨街道"}
    assert_error(
        anonymous_api.get("cases/public/areas.geojson", jurisdiction=world.jurisdiction.code, level="grid"),
        422,
        "invalid_input",
    )
    assert_error(anonymous_api.get("cases/public/areas.geojson", jurisdiction="999999"), 404, "not_found")


def test_a_submission_refused_after_its_photo_was_read_leaves_no_file_on_disk(world, settings):
    from pathlib import Path

    from tests.files import JPEG

    def files() -> set[Path]:
        root = Path(settings.MEDIA_ROOT)
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    before = files()
    photo = SimpleUploadedFile("lamp.jpg", JPEG, content_type="image/jpeg")
    # The photo is fine; the point is outside the district, found only after the photo is stored.
    assert_error(_post(_form(world, lng=121.9, lat=31.2, photo=photo)), 422, "outside_jurisdiction")
    assert files() == before and CaseAttachment.objects.count() == 0
    html = SimpleUploadedFile(
        "lamp.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    # A bad photo is left out and the request accepted without it (tests/attachments).
    r = _post(_form(world, photo=html, description="路灯不亮一"))
    assert r.status_code == 201 and r.json()["photo_refused"]["code"] == "unsupported_file"
    pdf = SimpleUploadedFile("a.jpg", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", content_type="image/jpeg")
    r = _post(_form(world, photo=pdf, description="路灯不亮二"))
    assert r.status_code == 201 and r.json()["photo_refused"]["code"] == "unsupported_file"
    assert files() == before and CaseAttachment.objects.count() == 0


def test_the_name_is_optional_and_recorded_as_anonymous(world):
    r = _post(_form(world, name=""))
    assert r.status_code == 201, r.content
    reporter = Case.objects.get(number=r.json()["number"]).reporters.get()
    assert (reporter.name, reporter.phone) == ("匿名", "13912345678")
