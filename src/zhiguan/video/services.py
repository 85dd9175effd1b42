"""Writes of the video database: cameras and devices (outside the registries API), heartbeats, the sweep.

Heartbeats (GB/T 28181 keepalives, every 60 s from each device) only touch `last_heartbeat_at` and
`online` with bulk UPDATEs: no history row, no change token bump (the sector index does not hold
online state), and an audit record only when a device or camera changes state (came online, went
offline) — never one per heartbeat.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput
from zhiguan.org.permissions import Actor, require
from zhiguan.registries import versions
from zhiguan.registries.history import changes_from
from zhiguan.video import codes
from zhiguan.video.coverage import REGISTRY
from zhiguan.video.models import Camera, VideoDevice

REPORT = "video.report"
MAX_BATCH = 5000
# A heartbeat from further in the future than this is refused (a device clock far off).
_CLOCK_SKEW = timedelta(minutes=5)


def offline_after() -> timedelta:
    """ZHIGUAN_VIDEO_OFFLINE_AFTER seconds (default 180: three missed 60 s keepalives)."""
    return timedelta(seconds=int(os.environ.get("ZHIGUAN_VIDEO_OFFLINE_AFTER", "180")))


@dataclass(frozen=True)
class HeartbeatResult:
    accepted: int
    unknown: list[str]
    came_online: int


def _parse_at(value: Any, now: datetime) -> datetime:
    if value in (None, ""):
        return now
    at = value if isinstance(value, datetime) else parse_datetime(str(value))
    if at is None:
        raise InvalidInput(
            _("A heartbeat time is not a date and time."), code="bad_heartbeat_time", value=str(value)
        )
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + _CLOCK_SKEW:
        raise InvalidInput(
            _("A heartbeat time lies in the future."), code="bad_heartbeat_time", value=str(value)
        )
    return at


def record_heartbeats(
    *, actor: Actor, beats: list[dict[str, Any]], now: datetime | None = None
) -> HeartbeatResult:
    """Record a batch of keepalives `[{code, at}]` of devices or cameras of the actor's jurisdiction.

    The newest time per code counts; an older one never moves `last_heartbeat_at` back. Unknown codes
    are reported back, not refused. A device coming online brings its channels with it.
    """
    require(actor, REPORT)
    if len(beats) > MAX_BATCH:
        raise InvalidInput(
            _("At most %(max)s heartbeats per request.") % {"max": MAX_BATCH}, code="too_many_heartbeats"
        )
    now = now or timezone.now()
    latest: dict[str, datetime] = {}
    for beat in beats:
        code = str(beat.get("code") or "").strip()
        if codes.parse(code) is None:
            raise InvalidInput(
                _("A GB/T 28181 code has exactly 20 digits."), code="bad_device_code", value=code
            )
        at = _parse_at(beat.get("at"), now)
        if code not in latest or at > latest[code]:
            latest[code] = at
    jid = actor.jurisdiction.pk
    limit = now - offline_after()
    came_online = 0
    known: set[str] = set()
    with transaction.atomic():
        for model in (VideoDevice, Camera):
            rows = model.objects.filter(jurisdiction_id=jid, code__in=list(latest), retired_at__isnull=True)
            for obj in rows.only("pk", "code", "online", "last_heartbeat_at", "jurisdiction_id"):
                known.add(obj.code)
                at = latest[obj.code]
                if obj.last_heartbeat_at is not None and obj.last_heartbeat_at >= at:
                    continue
                fresh = at >= limit
                model.objects.filter(pk=obj.pk).update(last_heartbeat_at=at, online=obj.online or fresh)
                if fresh and not obj.online:
                    came_online += 1
                    audit.record(
                        actor=actor,
                        action=f"video.{model.__name__.lower()}_online",
                        target=obj,
                        after={"online": True, "at": at},
                    )
                    if model is VideoDevice:
                        Camera.objects.filter(device_id=obj.pk, online=False, retired_at__isnull=True).update(
                            online=True
                        )
    return HeartbeatResult(len(known), sorted(set(latest) - known), came_online)


def sweep_offline(*, now: datetime | None = None) -> dict[str, int]:
    """Mark offline the devices and cameras silent longer than `offline_after()`, with their channels.

    A camera stays online while its own heartbeat is recent or its device is online. One audit
    record per state change. Safe to run twice (the second run finds nothing).
    """
    now = now or timezone.now()
    limit = now - offline_after()
    stale = Q(last_heartbeat_at__isnull=True) | Q(last_heartbeat_at__lt=limit)
    with transaction.atomic():
        devices = list(VideoDevice.objects.filter(stale, online=True))
        for device in devices:
            audit.record(
                actor=None,
                action="video.videodevice_offline",
                target=device,
                after={"online": False, "last_heartbeat_at": device.last_heartbeat_at},
            )
        VideoDevice.objects.filter(pk__in=[d.pk for d in devices]).update(online=False)
        own_recent = Q(last_heartbeat_at__gte=limit)
        cameras = list(
            Camera.objects.filter(online=True)
            .exclude(own_recent)
            .exclude(device__online=True)
            .only("pk", "code", "name", "last_heartbeat_at", "jurisdiction_id")
        )
        if cameras:
            audit.record_many(
                [
                    audit.build(
                        actor=None,
                        action="video.camera_offline",
                        target=c,
                        after={"online": False, "last_heartbeat_at": c.last_heartbeat_at},
                    )
                    for c in cameras
                ]
            )
            Camera.objects.filter(pk__in=[c.pk for c in cameras]).update(online=False)
    return {"devices_offline": len(devices), "cameras_offline": len(cameras)}


# -- camera and device records (the demo, tests, and anything outside the registries API) ------------

_CAMERA_FIELDS = (
    "code",
    "name",
    "device_id",
    "lng",
    "lat",
    "address",
    "height_m",
    "direction",
    "fov",
    "range_m",
    "kind",
    "ptz",
    "owner_id",
    "stream_url",
)


def save_camera(
    *, actor: Actor, values: dict[str, Any], camera: Camera | None = None, source: str = "api"
) -> Camera:
    """Create (camera=None) or change a camera, with its sector, location, history, audit and token bump."""
    from zhiguan.geo.services import fill_location

    require(actor, "registry.manage")
    jid = actor.jurisdiction.pk
    errors = codes.validate(
        str(values.get("code", camera.code if camera else "")), actor.jurisdiction.code, camera=True
    )
    if errors:
        raise InvalidInput(errors[0].message, code=errors[0].code, field="code")
    with transaction.atomic():
        before = audit.snapshot(camera, list(_CAMERA_FIELDS)) if camera else None
        obj = camera or Camera(jurisdiction_id=jid)
        for key, value in values.items():
            if key not in _CAMERA_FIELDS:
                raise InvalidInput(_("Unknown field."), code="unknown_field", field=key)
            setattr(obj, key, value)
        if "lng" in values or "lat" in values or camera is None:
            fill_location(
                obj,
                jurisdiction_id=jid,
                lng=float(obj.lng or 0),
                lat=float(obj.lat or 0),
                address=obj.address or None,
            )
        with changes_from(source, actor.user):
            obj.save()
        audit.record(
            actor=actor,
            action="video.camera_changed" if camera else "video.camera_created",
            target=obj,
            before=before,
            after=audit.snapshot(obj, [f for f in _CAMERA_FIELDS if f != "stream_url"]),
        )
        versions.bump(jid, REGISTRY)
    return obj


def simulate_keepalives(*, now: datetime | None = None) -> dict[str, int]:
    """Keepalives for the devices and cameras marked `simulated` (what a real district's video
    platform sends every minute). A simulated camera behind a recorder that is down stays down.
    Written straight to the rows, as `record_heartbeats` does: no history, no audit.
    """
    now = now or timezone.now()
    live = {"retired_at__isnull": True, "simulated": True}
    n_devices = VideoDevice.objects.filter(**live).update(last_heartbeat_at=now, online=True)
    n_cameras = (
        Camera.objects.filter(**live)
        .filter(models.Q(device__isnull=True) | models.Q(device__online=True))
        .update(last_heartbeat_at=now, online=True)
    )
    return {"devices": n_devices, "cameras": n_cameras}
