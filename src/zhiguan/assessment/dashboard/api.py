"""HTTP API of the operations dashboard, at /api/v1/dashboard: the snapshot and its change stream."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from ninja import Query, Router

from zhiguan.assessment.dashboard import queries, stream
from zhiguan.assessment.dashboard.schemas import DashboardOut, DashboardParams, DashboardStreamParams
from zhiguan.org.auth import ActorRequest
from zhiguan.org.permissions import require

router = Router(tags=["dashboard"])


@router.get(
    "", response=DashboardOut, summary="The operations dashboard (城市运行仪表盘): every tile at once"
)
def dashboard(request: ActorRequest, params: Query[DashboardParams]) -> dict[str, Any]:
    return queries.snapshot(request.auth, **params.dict())


@router.get(
    "/stream",
    summary="Server-sent events: `change` with the dashboard's new version after every committed change",
    openapi_extra={
        "responses": {200: {"description": "text/event-stream", "content": {"text/event-stream": {}}}}
    },
)
def dashboard_stream(request: ActorRequest, params: Query[DashboardStreamParams]) -> StreamingHttpResponse:
    require(request.auth, queries.VIEW)
    seen = params.version
    last_id = request.headers.get("Last-Event-ID", "")
    if last_id.isdigit():
        seen = int(last_id)
    # An EventSource asks for text/event-stream and is held open; any other client gets the current
    # version at once and the end of the answer (a poll), never a thread held for nothing.
    held = "text/event-stream" in request.headers.get("Accept", "")
    events = stream.events(
        jurisdiction_id=request.auth.jurisdiction.pk,
        seen=seen,
        seconds=stream.STREAM_SECONDS if held else 0.0,
    )
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response
