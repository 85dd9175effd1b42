"""Uploads are what their bytes say: the client's type and name prove nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from tests.conftest import assert_error
from tests.files import JPEG, PNG, png_declaring
from zhiguan.cases import attachments
from zhiguan.cases.models import CaseAttachment


def _post(api, data: bytes, name: str, content_type: str | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile(name, data, content_type=content_type or "image/jpeg")
    return api.client.post("/api/v1/cases/attachments", {"file": f}, headers=api.headers)


def _files_on_disk() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "unsupported_file"),
        (b"<?php system($_GET['c']); ?>", "photo.png", "unsupported_file"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "photo.svg",
            "unsupported_file",
        ),
        (b"", "empty.jpg", "empty_file"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "broken.jpg", "invalid_image"),
        (png_declaring(50_000, 50_000), "bomb.png", "image_too_large"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused_and_nothing_is_stored(world, data, name, code):
    before, rows = _files_on_disk(), CaseAttachment.objects.count()
    r = _post(world.api("operator"), data, name, "image/jpeg")
    assert_error(r, 422, code)
    assert r.json()["error"]["details"]["field"] == "file"
    assert CaseAttachment.objects.count() == rows and _files_on_disk() == before


def test_the_stored_type_comes_from_the_content_not_from_the_client(world):
    r = _post(world.api("operator"), PNG, "scan.jpg", "application/octet-stream")
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/png"
    r = _post(world.api("operator"), JPEG, "../../etc/passwd.jpg", "image/png")
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg"
    assert r.json()["name"] == "passwd.jpg"


def test_uploads_never_bound_to_a_case_are_purged_after_a_day(world):
    operator = world.api("operator")
    old = _post(operator, JPEG, "old.jpg").json()["id"]
    fresh = _post(operator, JPEG, "fresh.jpg").json()["id"]
    bound = _post(operator, JPEG, "bound.jpg").json()["id"]
    world.new_case(attachment_ids=[bound])
    CaseAttachment.objects.filter(pk__in=[old, bound]).update(uploaded_at=timezone.now() - timedelta(days=2))
    old_file = Path(CaseAttachment.objects.get(pk=old).file.path)
    assert old_file.exists()
    assert attachments.purge_unbound() == 1
    assert set(CaseAttachment.objects.filter(pk__in=[old, fresh, bound]).values_list("pk", flat=True)) == {
        fresh,
        bound,
    }
    assert not old_file.exists()


def test_a_file_stored_inside_a_failing_block_is_removed_again(world):
    actor = world.actor("operator")
    before = _files_on_disk()
    with pytest.raises(RuntimeError), attachments.discard_on_error():
        from django.core.files.uploadedfile import SimpleUploadedFile

        attachments.upload_attachment(actor=actor, upload=SimpleUploadedFile("x.jpg", JPEG))
        assert _files_on_disk() != before
        raise RuntimeError("the registration failed")
    assert _files_on_disk() == before
