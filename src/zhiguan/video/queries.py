"""Reads of the video database: the cameras that can see a point, a camera's sector as GeoJSON.

Every read goes through `org.permissions.restrict` (jurisdiction and the owner-department data scope).
A camera's stream address is shown only to who may see streams (`can_see_stream`, decision 073).
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import shapely
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import WGS84, check_crs, to_wgs84
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import Actor, get_or_404, require, restrict
from zhiguan.video import coverage
from zhiguan.video.models import Camera, VideoDevice

VIEW = "registry.view"
STREAM = "video.view_stream"
MAX_LIMIT = 50


def can_see_stream(actor: Actor) -> bool:
    """Holders of `video.view_stream`: dispatchers, supervisors, data officers, the administrator."""
    return STREAM in actor.grants


def stream(*, actor: Actor, camera_id: int) -> dict[str, Any]:
    """A camera's stream address for "查看视频"; every look is audited (who watched which camera)."""
    from zhiguan.audit import services as audit

    require(actor, STREAM)
    camera = get_or_404(actor, Camera.objects.all(), VIEW, pk=camera_id)
    audit.record(actor=actor, action="video.stream_viewed", target=camera)
    return {
        "id": camera.pk,
        "code": camera.code,
        "name": camera.name,
        "stream_url": camera.stream_url or None,
    }


def cameras(*, actor: Actor) -> Any:
    return restrict(actor, Camera.objects.filter(retired_at__isnull=True), VIEW)


def visible(
    *, actor: Actor, lng: float, lat: float, crs: str = WGS84, limit: int = 10
) -> list[dict[str, Any]]:
    """The active cameras the actor may see whose sector contains the point, nearest first."""
    require(actor, VIEW)
    check_crs(crs)
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise InvalidInput(_("These are not coordinates."), code="bad_coordinates", field="lng")
    limit = max(1, min(int(limit), MAX_LIMIT))
    wlng, wlat = (float(v) for v in to_wgs84(float(lng), float(lat), crs))
    seen = coverage.index_for(actor.jurisdiction.pk).visible_from(wlng, wlat)
    if not seen:
        return []
    # Online state is read live (heartbeats never rebuild the index), in one plain statement: this
    # runs on every case page. Who sees only part of the cameras is narrowed through `restrict`.
    ids = [x.camera_id for x in seen[: limit * 4 + 20]]
    rows = _rows(actor.jurisdiction.pk, ids)
    if actor.scope_for(VIEW) != DataScope.JURISDICTION:
        allowed = set(cameras(actor=actor).filter(pk__in=ids).values_list("pk", flat=True))
        rows = {pk: r for pk, r in rows.items() if pk in allowed}
    stream = can_see_stream(actor)
    out: list[dict[str, Any]] = []
    for s in seen:
        r = rows.get(s.camera_id)
        if r is None:
            continue
        out.append(
            {
                "id": r["pk"],
                "code": r["code"],
                "name": r["name"],
                "lng": r["lng"],
                "lat": r["lat"],
                "distance_m": s.distance_m,
                "bearing": s.bearing,
                "direction": r["direction"],
                "fov": r["fov"],
                "range_m": r["range_m"],
                "ptz": r["ptz"],
                "kind": r["kind"],
                "online": bool(r["online"] or r["device__online"]),
                "last_heartbeat_at": r["last_heartbeat_at"],
                "stream_url": (r["stream_url"] or None) if stream else None,
            }
        )
        if len(out) >= limit:
            break
    return out


_COLUMNS = (
    "pk",
    "code",
    "name",
    "lng",
    "lat",
    "direction",
    "fov",
    "range_m",
    "ptz",
    "kind",
    "online",
    "last_heartbeat_at",
    "stream_url",
    "device__online",
)


def _rows(jurisdiction_id: int, ids: list[int]) -> dict[int, dict[str, Any]]:
    from django.db import connection

    if not ids:
        return {}
    cam, dev = Camera._meta.db_table, VideoDevice._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT c.id, c.code, c.name, c.lng, c.lat, c.direction, c.fov, c.range_m, c.ptz, c.kind, c.online,"
        f" c.last_heartbeat_at, c.stream_url, d.online FROM {cam} c LEFT JOIN {dev} d ON d.id = c.device_id"
        f" WHERE c.jurisdiction_id = %s AND c.retired_at IS NULL AND c.id IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [jurisdiction_id, *ids])
        found = cursor.fetchall()
    out = {}
    for row in found:
        r = dict(zip(_COLUMNS, row, strict=True))
        at = r["last_heartbeat_at"]
        if isinstance(at, str):
            at = parse_datetime(at)
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at, datetime.UTC)
        r["last_heartbeat_at"] = at
        r["ptz"], r["online"] = bool(r["ptz"]), bool(r["online"])
        out[r["pk"]] = r
    return out


def coverage_geojson(*, actor: Actor, camera_id: int) -> dict[str, Any]:
    """The camera's sector as a GeoJSON Feature (WGS-84)."""
    camera = get_or_404(actor, Camera.objects.all(), VIEW, pk=camera_id)
    geometry = shapely.from_wkb(bytes(camera.geometry)) if camera.geometry else None
    if geometry is None:
        geometry = coverage.sector(
            camera.lng, camera.lat, camera.direction, camera.fov, camera.range_m, camera.ptz
        )
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(geometry)),
        "properties": {
            "id": camera.pk,
            "code": camera.code,
            "name": camera.name,
            "direction": camera.direction,
            "fov": camera.fov,
            "range_m": camera.range_m,
            "ptz": camera.ptz,
        },
    }
