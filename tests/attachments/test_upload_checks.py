"""Every upload passes one check: type by content, size and pixels per type, before anything is stored."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from tests.conftest import assert_error
from tests.files import JPEG, PNG, image_bytes, jpeg_with_gps, png_declaring
from zhiguan.cases import attachments, services
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.errors import InvalidInput

# The first bytes of a Windows program: "MZ", then the DOS stub.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode."
)


def _files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(api, data: bytes, name: str, content_type: str = "image/jpeg"):
    f = SimpleUploadedFile(name, data, content_type=content_type)
    return api.client.post("/api/v1/cases/attachments", {"file": f}, headers=api.headers)


def test_a_jpg_that_is_really_a_program_is_refused_with_a_stable_code(world):
    before = _files()
    r = _upload(world.api("operator"), EXE, "现场照片.jpg")
    assert_error(r, 422, "unsupported_file")
    assert r.json()["error"]["details"]["field"] == "file"
    assert "image/jpeg" in r.json()["error"]["details"]["allowed"]
    assert _files() == before and not CaseAttachment.objects.exists()


def test_a_tiny_png_declaring_50000_by_50000_pixels_is_refused_before_decoding(world, monkeypatch):
    bomb = png_declaring(50_000, 50_000)
    assert len(bomb) < 200
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self) or None)
    with pytest.raises(InvalidInput) as exc:
        attachments.check_upload(SimpleUploadedFile("bomb.png", bomb), field="photo")
    assert exc.value.code == "image_too_large" and exc.value.details["field"] == "photo"
    assert decoded == []  # refused from the header: no pixel was decoded
    assert_error(_upload(world.api("operator"), bomb, "bomb.png", "image/png"), 422, "image_too_large")


def test_the_pixel_limit_is_a_setting_and_pillow_guards_too(settings):
    assert Image.MAX_IMAGE_PIXELS == settings.ZHIGUAN_UPLOAD_MAX_PIXELS
    settings.ZHIGUAN_UPLOAD_MAX_PIXELS = 40
    big = image_bytes("PNG", (10, 10))
    with pytest.raises(InvalidInput) as exc:
        attachments.check_upload(SimpleUploadedFile("a.png", big))
    assert exc.value.code == "image_too_large"
    settings.ZHIGUAN_UPLOAD_MAX_PIXELS = 100
    checked = attachments.check_upload(SimpleUploadedFile("a.png", big))
    assert (checked.content_type, checked.width, checked.height) == ("image/png", 10, 10)


def test_each_type_has_its_own_size_limit(monkeypatch):
    monkeypatch.setitem(attachments.LIMITS, "image/jpeg", 100)
    with pytest.raises(InvalidInput) as exc:
        attachments.check_upload(SimpleUploadedFile("a.jpg", JPEG + b"\x00" * 200))
    assert exc.value.code == "file_too_large" and exc.value.details["limit_bytes"] == 100
    # The PNG limit is untouched by the JPEG one.
    assert attachments.check_upload(SimpleUploadedFile("a.png", PNG)).content_type == "image/png"


def test_nothing_above_the_largest_limit_is_even_read():
    class Huge(SimpleUploadedFile):
        def read(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("read")

    f = Huge("big.mp4", b"")
    f.size = attachments.MAX_ATTACHMENT_BYTES + 1
    with pytest.raises(InvalidInput) as exc:
        attachments.check_upload(f)
    assert exc.value.code == "file_too_large"


def test_a_truncated_picture_is_refused_as_unreadable():
    with pytest.raises(InvalidInput) as exc:
        attachments.check_upload(SimpleUploadedFile("a.jpg", JPEG[: len(JPEG) // 2]))
    assert exc.value.code == "invalid_image"


def _exif(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as img:
        return img.getexif()


def _phone_photo() -> bytes:
    """A JPEG as a phone writes it: GPS position and the camera's make and model in EXIF."""
    with Image.open(io.BytesIO(jpeg_with_gps(120.35, 30.25, size=(40, 30)))) as img:
        exif = img.getexif()
        exif[ExifTags.Base.Make] = "Huawei"
        exif[ExifTags.Base.Model] = "Mate 60 Pro"
        out = io.BytesIO()
        img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_the_public_copy_has_no_gps_and_no_device_while_staff_keep_the_original(world):
    photo = _phone_photo()
    assert _exif(photo).get_ifd(ExifTags.IFD.GPSInfo) and _exif(photo)[ExifTags.Base.Model]
    stored = services.upload_attachment(
        actor=world.actor("operator"), upload=SimpleUploadedFile("p.jpg", photo), field="photo"
    )
    with stored.file.open("rb") as f:
        original = f.read()
    assert original == photo  # the staff's file is the citizen's, byte for byte
    with services.public_file(stored) as f:
        public = f.read()
    exif = _exif(public)
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Model not in exif and ExifTags.Base.Make not in exif
    with Image.open(io.BytesIO(public)) as img:
        assert img.format == "JPEG" and img.size == (40, 30)


def test_the_published_photo_on_the_public_page_is_the_stripped_copy(world):
    from zhiguan.intake.portal import photo_token

    api = world.api("operator")
    upload = _upload(api, _phone_photo(), "p.jpg").json()
    case = world.new_case(attachment_ids=[upload["id"]])
    CaseAttachment.objects.filter(pk=upload["id"]).update(published=True)
    r = Client().get(f"/api/v1/cases/public/photos/{photo_token(upload['id'])}")
    assert r.status_code == 200 and case.pk
    data = b"".join(r.streaming_content)
    assert not _exif(data).get_ifd(ExifTags.IFD.GPSInfo)


def test_a_failed_registration_removes_the_public_copy_too(world):
    before = _files()
    with pytest.raises(RuntimeError), services.discard_on_error():
        services.upload_attachment(actor=world.actor("operator"), upload=SimpleUploadedFile("x.jpg", JPEG))
        assert len(_files() - before) == 2  # the original and its public copy
        raise RuntimeError("registration failed")
    assert _files() == before


def _form(world, **overrides):
    form = {
        "jurisdiction": world.jurisdiction.code,
        "request_type": "complaint",
        "category_id": world.category.pk,
        "description": "小区门口路灯不亮已经一周",
        "phone": "13912345678",
        "lng": 120.35,
        "lat": 30.25,
        "crs": "wgs84",
    }
    form.update(overrides)
    return form


def test_a_citizen_request_with_a_bad_photo_is_accepted_without_it_and_says_so(world):
    before = _files()
    photo = SimpleUploadedFile("路灯.jpg", EXE, content_type="image/jpeg")
    r = Client(headers={"Accept-Language": "zh-hans"}).post(
        "/api/v1/cases/public/submit", data=_form(world, photo=photo)
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["photo_refused"]["code"] == "unsupported_file"
    assert body["photo_refused"]["message"]  # the reason, in the citizen's language
    case = Case.objects.get(number=body["number"])
    assert not case.attachments.exists() and _files() == before


def test_a_citizen_request_with_a_good_photo_keeps_it(world):
    photo = SimpleUploadedFile("路灯.jpg", _phone_photo(), content_type="image/jpeg")
    r = Client().post("/api/v1/cases/public/submit", data=_form(world, photo=photo))
    assert r.status_code == 201 and r.json()["photo_refused"] is None
    assert Case.objects.get(number=r.json()["number"]).attachments.count() == 1


def test_an_invalid_request_with_a_bad_photo_is_still_refused_for_its_own_fault(world):
    photo = SimpleUploadedFile("a.jpg", EXE, content_type="image/jpeg")
    r = Client().post("/api/v1/cases/public/submit", data=_form(world, photo=photo, lng=121.9, lat=31.2))
    assert_error(r, 422, "outside_jurisdiction")
    assert not Case.objects.exists()


def test_an_inspectors_report_with_a_bad_photo_is_refused_whole(world):
    api = world.api("inspector")
    f = SimpleUploadedFile("a.jpg", EXE, content_type="image/jpeg")
    r = api.client.post(
        "/api/v1/cases/field-reports",
        {
            "category_id": world.category.pk,
            "description": "井盖缺失",
            "lng": 120.35,
            "lat": 30.25,
            "photos": [f],
        },
        headers=api.headers,
    )
    assert_error(r, 422, "unsupported_file")
    assert r.json()["error"]["details"]["field"] == "photos"
    assert not Case.objects.exists()
