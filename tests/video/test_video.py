"""Cameras that see a case's point, stream addresses, heartbeats and the offline sweep, 视频确认."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.conftest import INSIDE
from tests.conftest import ApiClient
from zhiguan.audit.models import AuditRecord
from zhiguan.org.services import create_client, issue_token
from zhiguan.registries.versions import current_token
from zhiguan.video import registry, services
from zhiguan.video.models import Camera, VideoDevice

from .conftest import CAMERA_CODE, DEVICE_CODE, add_camera, add_device, ctx

pytestmark = pytest.mark.django_db


def visible(api, **params):
    r = api.get("video/cameras/visible", lng=INSIDE[0], lat=INSIDE[1], **params)
    assert r.status_code == 200, r.content
    return r.json()


def test_cameras_that_see_the_point_nearest_first_and_streams_only_for_dispatchers(world):
    admin = world.actor("admin")
    add_camera(admin, 1, 0, -60, direction=0, stream_url="rtsp://10.1.1.1/1")  # south, looks north: 60 m
    add_camera(admin, 2, 25, 0, direction=270)  # east, looks west: 25 m
    add_camera(admin, 3, 0, 30, direction=0)  # north, looks away
    add_camera(admin, 4, -50, -50, direction=0, fov=30, ptz=True, kind="dome")  # a dome turns: 71 m
    add_camera(admin, 5, 0, -200, direction=0)  # out of range
    found = visible(world.api("dispatcher"))
    assert [c["code"] for c in found] == [CAMERA_CODE.format(n) for n in (2, 1, 4)]
    assert found[0]["distance_m"] == pytest.approx(25, abs=0.5)
    assert found[0]["bearing"] == pytest.approx(90, abs=0.5)
    assert found[1]["stream_url"] == "rtsp://10.1.1.1/1"
    assert [c["stream_url"] for c in visible(world.api("inspector"))] == [None, None, None]
    assert len(visible(world.api("dispatcher"), limit=1)) == 1


def test_a_new_camera_is_seen_at_once_and_heartbeats_do_not_rebuild_the_index(world):
    admin = world.actor("admin")
    api = world.api("dispatcher")
    assert visible(api) == []
    add_camera(admin, 1, 0, -40)
    token = current_token(admin.jurisdiction.pk, "cameras")
    assert len(visible(api)) == 1
    services.record_heartbeats(actor=admin, beats=[{"code": CAMERA_CODE.format(1)}])
    assert current_token(admin.jurisdiction.pk, "cameras") == token
    assert visible(api)[0]["online"] is True  # read live


def test_coverage_geojson_and_stream_lookup_audited(world):
    admin = world.actor("admin")
    cam = add_camera(admin, 1, 0, -40, stream_url="rtsp://x/1")
    r = world.api("inspector").get(f"video/cameras/{cam.pk}/coverage")
    assert r.status_code == 200 and r.json()["geometry"]["type"] == "Polygon"
    assert world.api("inspector").get(f"video/cameras/{cam.pk}/stream").status_code == 403
    r = world.api("dispatcher").get(f"video/cameras/{cam.pk}/stream")
    assert r.json()["stream_url"] == "rtsp://x/1"
    assert AuditRecord.objects.filter(action="video.stream_viewed", object_id=str(cam.pk)).count() == 1


def test_stream_address_is_never_exported():
    assert registry.CAMERAS.column("stream_url").export is False
    assert [c.field for c in registry.CAMERAS.columns if not c.export] == ["stream_url"]


def test_registry_rows_are_checked(world):
    admin = world.actor("admin")
    add_device(admin, 1)
    c = ctx(admin)
    row = {
        "code": "33010600081186000001",
        "name": "x",
        "lng": INSIDE[0],
        "lat": INSIDE[1],
        "owner": "无此单位",
    }
    row["device"] = DEVICE_CODE.format(9)
    row["fov"] = 400
    codes_ = sorted(e.code for e in registry.validate_camera(row, c))
    assert codes_ == sorted(
        ["wrong_admin_code", "not_a_camera_type", "unknown_department", "unknown_device", "out_of_range"]
    )
    assert [e.code for e in registry.validate_device({"code": CAMERA_CODE.format(1), "owner": "CGJ"}, c)] == [
        "not_a_device_type"
    ]
    prepared = registry.prepare_camera(
        {
            "code": CAMERA_CODE.format(1),
            "name": "球机",
            "lng": INSIDE[0],
            "lat": INSIDE[1],
            "owner": "CGJ",
            "kind": "dome",
        },
        c,
    )
    assert prepared["ptz"] is True and prepared["geometry"]


def test_data_officer_manages_only_own_department_tree(world):
    officer = world.actor("data_officer")  # of CGJ
    c = ctx(officer)
    row = {"code": CAMERA_CODE.format(1), "name": "x", "lng": INSIDE[0], "lat": INSIDE[1], "owner": "HBJ"}
    assert [e.code for e in registry.validate_camera(row, c)] == ["owner_out_of_scope"]


def _client_api(world, scopes):
    admin = world.actor("admin")
    client = create_client(
        actor=admin, name="平台" + "-".join(scopes), kind="integrated_system", scopes=scopes
    )
    _token, secret = issue_token(actor=admin, client_id=client.pk)
    from django.test import Client

    return ApiClient(Client(), token=secret)


def test_heartbeats_need_the_video_report_scope(world):
    admin = world.actor("admin")
    add_device(admin, 1)
    beat = {"beats": [{"code": DEVICE_CODE.format(1)}, {"code": DEVICE_CODE.format(7)}]}
    r = _client_api(world, ["registry.view"]).post("video/heartbeats", beat)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = _client_api(world, ["video.report"]).post("video/heartbeats", beat)
    assert r.status_code == 200, r.content
    assert r.json() == {"accepted": 1, "unknown": [DEVICE_CODE.format(7)], "came_online": 1}
    r = _client_api(world, ["video.report", "registry.view"]).post(
        "video/heartbeats", {"beats": [{"code": "12"}]}
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_device_code"


def test_offline_sweep_follows_the_device_and_audits_state_changes_only(world, monkeypatch):
    monkeypatch.setenv("ZHIGUAN_VIDEO_OFFLINE_AFTER", "180")
    admin = world.actor("admin")
    nvr = add_device(admin, 1)
    on_nvr = add_camera(admin, 1, 0, -40, device=nvr.code)
    ipc = add_camera(admin, 2, 0, -50)
    t0 = timezone.now() - timedelta(minutes=10)
    for k in range(3):  # three keepalives, one state change
        services.record_heartbeats(
            actor=admin,
            beats=[{"code": nvr.code, "at": t0 + timedelta(seconds=60 * k)}, {"code": ipc.code, "at": t0}],
            now=t0 + timedelta(seconds=60 * k),
        )
    on_nvr.refresh_from_db()
    assert on_nvr.online is True  # its device came online
    assert AuditRecord.objects.filter(action="video.videodevice_online").count() == 1
    # 150 s after the last NVR keepalive: still online; the IPC's own beat is 270 s old: offline.
    now = t0 + timedelta(seconds=120 + 150)
    assert services.sweep_offline(now=now) == {"devices_offline": 0, "cameras_offline": 1}
    assert Camera.objects.get(pk=ipc.pk).online is False
    assert Camera.objects.get(pk=on_nvr.pk).online is True
    now = t0 + timedelta(seconds=120 + 181)
    assert services.sweep_offline(now=now) == {"devices_offline": 1, "cameras_offline": 1}
    assert VideoDevice.objects.get(pk=nvr.pk).online is False
    assert Camera.objects.get(pk=on_nvr.pk).online is False
    assert services.sweep_offline(now=now) == {"devices_offline": 0, "cameras_offline": 0}
    assert (
        AuditRecord.objects.filter(action__in=["video.camera_offline", "video.videodevice_offline"]).count()
        == 3
    )


def test_simulated_recorders_keep_their_online_cameras_online_and_leave_the_broken_ones(world, monkeypatch):
    """The demo district has no video platform: its recorders are `simulated` and the platform sends
    their keepalives, so an hour later the cameras that were up are still up."""
    monkeypatch.setenv("ZHIGUAN_VIDEO_OFFLINE_AFTER", "180")
    admin = world.actor("admin")
    nvr = add_device(admin, 1)
    real = add_device(admin, 2)
    up = add_camera(admin, 1, 0, -40, device=nvr.code)
    broken = add_camera(admin, 2, 0, -50, device=nvr.code)
    other = add_camera(admin, 3, 0, -60, device=real.code)
    long_ago = timezone.now() - timedelta(hours=1)
    # A restart after an hour: the sweep ran first and took everything offline.
    VideoDevice.objects.filter(pk=nvr.pk).update(simulated=True, online=False, last_heartbeat_at=long_ago)
    VideoDevice.objects.filter(pk=real.pk).update(online=True, last_heartbeat_at=long_ago)
    Camera.objects.filter(pk=up.pk).update(simulated=True, online=False, last_heartbeat_at=long_ago)
    Camera.objects.filter(pk__in=[broken.pk, other.pk]).update(online=False, last_heartbeat_at=long_ago)
    Camera.objects.filter(pk=other.pk).update(simulated=True)  # behind a real recorder that is down
    services.sweep_offline()
    assert services.simulate_keepalives() == {"devices": 1, "cameras": 1}
    services.sweep_offline()
    assert Camera.objects.get(pk=up.pk).online is True
    assert Camera.objects.get(pk=broken.pk).online is False
    assert Camera.objects.get(pk=other.pk).online is False  # a real recorder that went silent
    assert VideoDevice.objects.get(pk=real.pk).online is False


def test_heartbeats_leave_no_history_rows(world):
    admin = world.actor("admin")
    cam = add_camera(admin, 1, 0, -40)
    before = cam.history.count()
    services.record_heartbeats(actor=admin, beats=[{"code": cam.code}])
    assert cam.history.count() == before


def test_video_confirm_records_the_camera_and_dispatches(world):
    admin = world.actor("admin")
    cam = add_camera(admin, 1, 0, -40)
    case = world.case_in("to_dispatch")
    api = world.api("dispatcher")
    r = api.post(
        f"cases/{case.number}/video-confirm", {"camera_id": cam.pk, "expected_version": case.version}
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "dispatched"
    events = list(case.events.order_by("seq").values_list("action", "payload"))
    assert [a for a, _p in events[-2:]] == ["video_confirm", "dispatch"]
    assert events[-2][1]["camera_code"] == cam.code and events[-2][1]["camera_name"] == "摄像头1"
    assert AuditRecord.objects.filter(action="case.video_confirmed", object_id=str(case.pk)).exists()


def test_video_confirm_refused_dispatch_leaves_no_confirmation(world):
    admin = world.actor("admin")
    cam = add_camera(admin, 1, 0, -40)
    case = world.case_in("to_dispatch")
    api = world.api("dispatcher")
    r = api.post(
        f"cases/{case.number}/video-confirm", {"camera_id": cam.pk, "expected_version": case.version + 5}
    )
    assert r.status_code == 409
    assert not case.events.filter(action="video_confirm").exists()
    r = api.post(f"cases/{case.number}/video-confirm", {"camera_id": 999999})
    assert r.status_code == 404


def test_demo_cameras_have_valid_codes_devices_and_some_offline(world):
    from zhiguan.video.demo import build_demo_cameras
    from zhiguan.video.registry import load_refs

    counts = build_demo_cameras(actor=world.actor("admin"), target=60)
    assert counts["cameras"] >= 10 and counts["devices"] >= 1
    admin = load_refs(world.actor("admin").jurisdiction.pk).admin_code
    from zhiguan.video import codes

    for code in Camera.objects.values_list("code", flat=True):
        assert codes.validate(code, admin, camera=True) == []
    for code in VideoDevice.objects.values_list("code", flat=True):
        assert codes.validate(code, admin, camera=False) == []
    assert Camera.objects.filter(online=False).exists() and Camera.objects.filter(online=True).exists()
    assert Camera.objects.filter(device__isnull=False).exists()
    cam = Camera.objects.first()
    assert cam is not None
    from zhiguan.video.coverage import index_for

    seen = index_for(cam.jurisdiction_id).visible_from(cam.lng, cam.lat)
    assert cam.pk in {s.camera_id for s in seen}  # a camera sees its own foot
