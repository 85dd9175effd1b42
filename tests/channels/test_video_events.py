"""Camera analytics and drone imagery events become cases at the camera's (or drone's) point."""

from __future__ import annotations

import pytest

from tests.cases.conftest import INSIDE, OUTSIDE
from tests.conftest import assert_error
from tests.files import JPEG, PNG
from tests.video.conftest import CAMERA_CODE, add_camera
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseAttachment
from zhiguan.intake.channels.models import VideoEvent

URL = "/api/v1/channels/video-events"


@pytest.fixture
def camera(world):
    return add_camera(world.actor("admin"), 1, 10, 10, address="金沙路1号")


def _post(api, files=None, **fields):
    form = {"event_id": "EV-1", "event_type": "street_vending", "occurred_at": "2026-12-02T09:30:00+08:00"}
    form.update(fields)
    if files:
        form.update(files)
    return api.client.post(URL, data=form, headers=api.headers)


def test_a_camera_event_becomes_a_case_at_the_cameras_point(world, machine, camera):
    r = _post(machine("case.create"), camera_code=camera.code)
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert (case.channel, case.external_ref, case.request_type) == ("video", "EV-1", "report")
    assert (case.lng, case.lat) == (pytest.approx(camera.lng), pytest.approx(camera.lat))
    # 占道经营 by the default table, in the camera's street.
    assert case.category_id == world.category.pk
    assert case.street is not None and case.address == "金沙路1号"
    assert camera.name in case.description
    event = VideoEvent.objects.get(case=case)
    assert event.camera_id == camera.pk
    origin = world.api("dispatcher").get(f"channels/origins/{case.number}").json()
    assert (origin["kind"], origin["camera_code"], origin["camera_name"]) == (
        "video",
        camera.code,
        camera.name,
    )
    assert AuditRecord.objects.filter(action="case.registered", object_id=str(case.pk)).exists()


def test_the_same_event_twice_is_one_case(world, machine, camera):
    api = machine("case.create")
    first = _post(api, camera_code=camera.code)
    again = _post(api, camera_code=camera.code)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert Case.objects.count() == 1 and VideoEvent.objects.count() == 1


def test_an_unknown_camera_is_a_clear_error_and_nothing_is_created(world, machine, camera):
    r = _post(machine("case.create"), camera_code=CAMERA_CODE.format(99))
    error = assert_error(r, 422, "unknown_camera")
    assert error["details"]["field"] == "camera_code"
    assert not Case.objects.exists()


def test_a_retired_camera_is_unknown(world, machine, camera):
    from django.utils import timezone

    camera.retired_at = timezone.now()
    camera.save(update_fields=["retired_at"])
    assert_error(_post(machine("case.create"), camera_code=camera.code), 422, "unknown_camera")


def test_the_snapshot_is_attached_to_the_case(world, machine, camera):
    from django.core.files.uploadedfile import SimpleUploadedFile

    snap = SimpleUploadedFile("snap.jpg", JPEG, content_type="image/jpeg")
    r = _post(machine("case.create"), {"snapshot": snap}, camera_code=camera.code)
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert CaseAttachment.objects.filter(case=case).count() == 1


def test_a_snapshot_by_address_is_kept_with_the_event(world, machine, camera):
    r = _post(
        machine("case.create"), camera_code=camera.code, snapshot_url="https://vms.example/snap/EV-1.jpg"
    )
    assert r.status_code == 201
    assert VideoEvent.objects.get().snapshot_url == "https://vms.example/snap/EV-1.jpg"
    assert_error(
        _post(machine("case.create"), event_id="EV-2", camera_code=camera.code, snapshot_url="javascript:x"),
        422,
        "invalid_input",
    )


def test_a_snapshot_that_is_no_image_is_refused_and_nothing_is_created(world, machine, camera):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("snap.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
    r = _post(machine("case.create"), {"snapshot": bad}, camera_code=camera.code)
    assert r.status_code == 422, r.content
    assert (
        not Case.objects.exists() and not CaseAttachment.objects.exists() and not VideoEvent.objects.exists()
    )


def test_an_event_type_nobody_mapped_is_refused_until_an_administrator_maps_it(world, machine, camera):
    api = machine("case.create")
    assert_error(_post(api, camera_code=camera.code, event_type="dog_fouling"), 422, "unmapped_event_type")
    admin = world.api("admin")
    table = admin.put(
        "channels/mappings",
        {"source": "video", "event_type": "dog_fouling", "category_id": world.category.pk},
    )
    assert table.status_code == 200, table.content
    assert {"source": "video", "event_type": "dog_fouling", "configured": True}.items() <= next(
        r for r in table.json() if r["event_type"] == "dog_fouling"
    ).items()
    assert _post(api, camera_code=camera.code, event_type="dog_fouling").status_code == 201
    assert AuditRecord.objects.filter(action="channels.mapping_set").exists()
    # Only who manages the taxonomy edits the table.
    assert_error(
        world.api("operator").put(
            "channels/mappings", {"source": "video", "event_type": "x", "category_id": world.category.pk}
        ),
        403,
        "forbidden",
    )


def test_the_mapping_table_lists_the_defaults(world):
    rows = world.api("admin").get("channels/mappings").json()
    vending = next(r for r in rows if (r["source"], r["event_type"]) == ("video", "street_vending"))
    assert (vending["category_id"], vending["configured"]) == (world.category.pk, False)
    assert {"暴露垃圾", "违章停车"} <= {r["category_name"] for r in rows}


def test_a_drone_event_carries_its_own_position(world, machine):
    api = machine("case.create")
    r = _post(api, drone_id="UAV-07", flight_id="F-20261202-3", lng=str(INSIDE[0]), lat=str(INSIDE[1]))
    assert r.status_code == 201, r.content
    case = Case.objects.get(number=r.json()["number"])
    assert (round(case.lng, 6), round(case.lat, 6)) == INSIDE
    assert "UAV-07" in case.description
    origin = world.api("dispatcher").get(f"channels/origins/{case.number}").json()
    assert (origin["kind"], origin["drone_id"], origin["flight_id"]) == ("drone", "UAV-07", "F-20261202-3")
    # The drone's system posts the same event again: still one case.
    again = _post(api, drone_id="UAV-07")
    assert again.status_code == 200 and again.json()["number"] == case.number


def test_a_drone_event_without_a_position_or_outside_the_district_is_refused(world, machine):
    api = machine("case.create")
    assert_error(_post(api, drone_id="UAV-07"), 422, "position_required")
    assert_error(
        _post(api, drone_id="UAV-07", lng=str(OUTSIDE[0]), lat=str(OUTSIDE[1])), 422, "outside_jurisdiction"
    )
    assert not Case.objects.exists() and not VideoEvent.objects.exists()


def test_an_event_names_a_camera_or_a_drone(world, machine, camera):
    api = machine("case.create")
    assert_error(_post(api), 422, "camera_or_drone")
    assert_error(
        _post(api, camera_code=camera.code, drone_id="UAV-1", lng="120.36", lat="30.26"),
        422,
        "camera_or_drone",
    )


def test_video_events_need_a_token_with_the_intake_scope(world, machine, camera):
    from tests.conftest import ApiClient

    anonymous = ApiClient(machine("case.create").client)
    assert_error(_post(anonymous, camera_code=camera.code), 401, "not_authenticated")
    assert_error(_post(machine("video.report"), camera_code=camera.code), 403, "forbidden")
    assert_error(
        _post(machine("case.create"), camera_code=camera.code, occurred_at="yesterday"), 422, "invalid_input"
    )
    assert_error(
        _post(machine("case.create"), camera_code=camera.code, event_id="bad id!"), 422, "invalid_input"
    )
    assert not Case.objects.exists()


def test_a_png_snapshot_works_too(world, machine, camera):
    from django.core.files.uploadedfile import SimpleUploadedFile

    snap = SimpleUploadedFile("snap.png", PNG, content_type="image/png")
    assert _post(machine("case.create"), {"snapshot": snap}, camera_code=camera.code).status_code == 201
