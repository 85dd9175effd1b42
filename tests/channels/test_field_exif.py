"""Field inspectors (监督员/网格员): the photo's EXIF GPS places the report when the device gives none."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import EAST, INSIDE, OUTSIDE
from tests.conftest import assert_error
from tests.files import JPEG, jpeg_with_gps
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.intake.field import exif_position

URL = "/api/v1/cases/field-reports"


def _report(world, photos, **fields):
    api = world.api("inspector")
    form = {"category_id": world.category.pk, "description": "垃圾桶满溢", "photos": photos, **fields}
    return api.client.post(URL, data=form, headers={"Accept-Language": "en"})


def _jpeg(data: bytes, name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_photo_taken_with_location_on_places_the_report(world):
    r = _report(world, [_jpeg(jpeg_with_gps(*EAST))])
    assert r.status_code == 201, r.content
    assert r.json()["position_source"] == "photo"
    case = Case.objects.get(number=r.json()["number"])
    assert (round(case.lng, 4), round(case.lat, 4)) == (round(EAST[0], 4), round(EAST[1], 4))


def test_the_devices_gps_wins_over_the_photo(world):
    r = _report(world, [_jpeg(jpeg_with_gps(*EAST))], lng=INSIDE[0], lat=INSIDE[1])
    assert r.json()["position_source"] == "device"


def test_a_photo_taken_outside_the_district_is_refused_and_nothing_is_kept(world):
    assert_error(_report(world, [_jpeg(jpeg_with_gps(*OUTSIDE))]), 422, "outside_jurisdiction")
    assert not Case.objects.exists() and not CaseAttachment.objects.exists()


def test_no_device_position_and_no_gps_in_the_photo_asks_for_a_position(world):
    assert_error(_report(world, [_jpeg(JPEG)]), 422, "position_required")


def test_southern_and_western_references_give_negative_degrees():
    lng, lat = exif_position(_jpeg(jpeg_with_gps(-58.3816, -34.6037)))
    assert (round(lng, 3), round(lat, 3)) == (-58.382, -34.604)
    assert exif_position(_jpeg(b"not an image")) is None
