"""The case's public page: public statuses only, the handling department, the published photos."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import assert_error
from tests.files import JPEG
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import services
from zhiguan.cases.models import CaseAttachment
from zhiguan.cases.status import Status
from zhiguan.intake.publicstatus import PUBLIC_STATUS, public_status, public_steps

DIGITS = "5678"


@pytest.mark.parametrize(
    ("internal", "public"),
    [
        ("registered", "accepted"),
        ("to_dispatch", "accepted"),
        ("dispatched", "in_progress"),
        ("returned", "in_progress"),
        ("in_progress", "in_progress"),
        ("extension_requested", "in_progress"),
        ("suspended", "in_progress"),
        ("to_verify", "in_progress"),
        ("verified", "in_progress"),
        ("answered", "done"),
        ("closed", "done"),
        ("callback_done", "rated"),
        ("rejected", "not_accepted"),
        ("merged", "merged"),
    ],
)
def test_every_internal_status_has_one_public_status(internal, public):
    assert public_status(internal) == public


def test_the_mapping_covers_every_status():
    assert set(PUBLIC_STATUS) == set(Status.values)


def test_internal_steps_never_reach_the_public_timeline():
    steps = public_steps(
        [(1, "register", "registered"), (2, "submit", "to_dispatch"), (3, "dispatch", "dispatched"),
         (4, "return", "returned"), (5, "refuse_return", "dispatched"), (6, "supervise", "dispatched"),
         (7, "dispatch", "dispatched"), (8, "accept", "in_progress")]
    )  # fmt: skip
    assert [(s["step"], s["status"]) for s in steps] == [
        ("received", "accepted"),
        ("accepted", "accepted"),
        ("dispatched", "in_progress"),
        ("handling", "in_progress"),
    ]


def _follow(anonymous_api, number):
    return anonymous_api.post("cases/public/follow", {"number": number, "phone_last4": DIGITS})


def _photo_for(world, case, by="lead"):
    upload = services.upload_attachment(
        actor=world.actor(by), upload=SimpleUploadedFile("repaired.jpg", JPEG, content_type="image/jpeg")
    )
    CaseAttachment.objects.filter(pk=upload.pk).update(case=case)
    return upload


def test_only_photos_the_lead_department_published_are_on_the_public_page(world, anonymous_api):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    shown, hidden = _photo_for(world, case), _photo_for(world, case)
    handler = world.api("lead")
    r = handler.post(f"cases/attachments/{shown.pk}/publish", {"published": True})
    assert r.status_code == 200, r.content
    assert r.json() == {"id": shown.pk, "published": True}
    page = _follow(anonymous_api, case.number).json()
    assert (page["status"], page["department"]) == ("in_progress", "城管局")
    assert len(page["photos"]) == 1
    url = page["photos"][0]["url"]
    assert hidden.name and "repaired" not in url  # a signed name, no id or file name to guess
    got = anonymous_api.client.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    # The public copy, re-encoded without EXIF (tests/attachments): a picture, not the original bytes.
    assert b"".join(got.streaming_content).startswith(b"\xff\xd8\xff")
    assert (
        AuditRecord.objects.filter(action="case.attachment_published", object_id=str(shown.pk)).count() == 1
    )
    # Hidden again: gone from the page, and the link already given answers 404.
    handler.post(f"cases/attachments/{shown.pk}/publish", {"published": False})
    assert _follow(anonymous_api, case.number).json()["photos"] == []
    assert anonymous_api.client.get(url).status_code == 404
    assert anonymous_api.client.get(url[:-3] + "abc").status_code == 404


def test_only_the_lead_departments_handler_publishes(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    photo = _photo_for(world, case)
    for who in ("operator", "co", "other"):
        r = world.api(who).post(f"cases/attachments/{photo.pk}/publish", {"published": True})
        assert r.status_code == 403, (who, r.content)
    assert not CaseAttachment.objects.get(pk=photo.pk).published
    assert not AuditRecord.objects.filter(action="case.attachment_published").exists()


def test_the_department_is_named_only_once_the_case_reached_it(world, anonymous_api):
    case = world.walk(world.new_case(), "submit")
    assert _follow(anonymous_api, case.number).json()["department"] == ""


def test_publishing_an_unknown_file_or_a_document_is_refused_and_changes_nothing(world):
    case = world.walk(world.new_case(), "submit", "dispatch", "accept")
    lead = world.api("lead")
    assert_error(lead.post("cases/attachments/999999/publish", {"published": True}), 404, "not_found")
    pdf = services.upload_attachment(
        actor=world.actor("lead"),
        upload=SimpleUploadedFile(
            "plan.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", content_type="application/pdf"
        ),
    )
    CaseAttachment.objects.filter(pk=pdf.pk).update(case=case)
    assert_error(lead.post(f"cases/attachments/{pdf.pk}/publish", {"published": True}), 422, "not_a_photo")
    assert_error(lead.post(f"cases/attachments/{pdf.pk}/publish", {"published": "yes"}), 422, "invalid_input")
    assert not CaseAttachment.objects.filter(published=True).exists()
    assert not AuditRecord.objects.filter(action__startswith="case.attachment_published").exists()
