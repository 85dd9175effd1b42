"""The video database's own questions; the list, detail, history, import and export of cameras and
devices are the registries API (`/registries/cameras/...`, `/registries/video-devices/...`)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from zhiguan.geo.crs import WGS84
from zhiguan.video import queries, services
from zhiguan.video.schemas import FeatureOut, HeartbeatsIn, HeartbeatsOut, StreamOut, VisibleCameraOut

router = Router(tags=["video"])


@router.get(
    "/cameras/visible", response=list[VisibleCameraOut], summary="Cameras that can see a point, nearest first"
)
def visible(
    request: HttpRequest,
    lng: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
    crs: str = Query(WGS84, max_length=16),
    limit: int = Query(10, ge=1, le=queries.MAX_LIMIT),
) -> Any:
    return queries.visible(actor=request.auth, lng=lng, lat=lat, crs=crs, limit=limit)  # type: ignore[attr-defined]


@router.get("/cameras/{camera_id}/coverage", response=FeatureOut, summary="A camera's view sector (GeoJSON)")
def camera_coverage(request: HttpRequest, camera_id: int) -> Any:
    return queries.coverage_geojson(actor=request.auth, camera_id=camera_id)  # type: ignore[attr-defined]


@router.get("/cameras/{camera_id}/stream", response=StreamOut, summary="A camera's stream address (audited)")
def camera_stream(request: HttpRequest, camera_id: int) -> Any:
    return queries.stream(actor=request.auth, camera_id=camera_id)  # type: ignore[attr-defined]


@router.post(
    "/heartbeats", response=HeartbeatsOut, summary="Keepalives of devices and cameras (machine clients)"
)
def heartbeats(request: HttpRequest, payload: HeartbeatsIn) -> Any:
    result = services.record_heartbeats(
        actor=request.auth,  # type: ignore[attr-defined]
        beats=[b.model_dump() for b in payload.beats],
    )
    return {"accepted": result.accepted, "unknown": result.unknown, "came_online": result.came_online}
