"""HTTP API of the machine channels, at /api/v1/channels/: the hotline bridge and caller history,
video and drone events, sensor alarms, and a case's origin. Machine clients authenticate with
their bearer token (scope `case.create`), staff with their session."""

from __future__ import annotations

from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from zhiguan.intake.channels import mapping, optouts, services
from zhiguan.intake.channels.models import CallSession
from zhiguan.intake.channels.schemas import (
    AlarmIn,
    AlarmOut,
    CallerHistoryOut,
    CallEventIn,
    CallLinkIn,
    CallOut,
    CurrentCallParams,
    HistoryParams,
    MappingIn,
    MappingOut,
    OptOutIn,
    OptOutOut,
    OptOutParams,
    OriginOut,
    RegisteredOut,
    VideoEventIn,
)
from zhiguan.org.auth import ActorRequest

router = Router(tags=["channels"])


def _call(session: CallSession, created: bool = False) -> dict:
    return {
        "call_id": session.call_id,
        "line": session.line,
        "caller": session.caller,
        "agent_extension": session.agent_extension,
        "recording_ref": session.recording_ref,
        "state": session.state,
        "started_at": session.started_at,
        "ended_at": session.ended_at,
        "created": created,
    }


@router.post(
    "/calls/events",
    response={201: CallOut, 200: CallOut},
    summary="Hotline bridge: a call started or ended (caller, line, agent extension, recording)",
)
def call_event(request: ActorRequest, payload: CallEventIn) -> Status:
    session, created = services.call_event(actor=request.auth, **payload.dict())
    return Status(201 if created else 200, _call(session, created))


@router.get(
    "/calls/current",
    response={200: CallOut, 204: None},
    summary="The call in progress at an agent's extension (the intake screen polls it)",
)
def current_call(request: ActorRequest, params: Query[CurrentCallParams]) -> Status:
    session = services.current_call(actor=request.auth, extension=params.extension)
    return Status(204, None) if session is None else Status(200, _call(session))


@router.post(
    "/calls/{call_id}/cases",
    response=CallOut,
    summary="The case registered during a call keeps the call and its recording reference",
)
def link_call(request: ActorRequest, call_id: str, payload: CallLinkIn) -> dict:
    return _call(services.link_call(actor=request.auth, call_id=call_id, number=payload.number))


@router.get(
    "/callers/{phone}/history",
    response=CallerHistoryOut,
    summary="A caller's earlier cases, outcomes and ratings (intake roles; audited)",
)
def caller_history(request: ActorRequest, phone: str, params: Query[HistoryParams]) -> dict:
    data = services.caller_history(actor=request.auth, phone=phone, limit=params.limit)
    data["cases"] = [
        {
            "number": c.number,
            "request_type": c.request_type,
            "channel": c.channel,
            "status": c.status,
            "category_name": c.category.name,
            "description": c.description[:200],
            "created_at": c.created_at,
            "closed_at": c.closed_at,
            "callback_result": c.callback_result,
        }
        for c in data["cases"]
    ]
    return data


# Optional for Ninja: the snapshot may come as a file or as `snapshot_url`.
OPTIONAL_SNAPSHOT = File(None)


@router.post(
    "/video-events",
    response={201: RegisteredOut, 200: RegisteredOut},
    summary="Camera analytics or drone imagery event → one case (multipart form, `snapshot` file)",
)
def video_event(
    request: ActorRequest, payload: Form[VideoEventIn], snapshot: UploadedFile | None = OPTIONAL_SNAPSHOT
) -> Status:
    result = services.video_event(actor=request.auth, **payload.dict(), snapshot=snapshot)
    body = {"number": result.case.number, "status": result.case.status, "created": result.created}
    return Status(201 if result.created else 200, body)


@router.post(
    "/alarms",
    response={201: AlarmOut, 200: AlarmOut},
    summary="Sensor or smart-module alarm → one case per alarm id (repeats, updates, clearing)",
)
def alarm(request: ActorRequest, payload: AlarmIn) -> Status:
    row, created = services.alarm(actor=request.auth, **payload.dict())
    body = {"number": row.case.number, "alarm_id": row.alarm_id, "state": row.state, "created": created}
    return Status(201 if created else 200, body)


@router.get(
    "/origins/{number}",
    response=OriginOut,
    summary="Where a case came from: the call, camera, drone or device behind it",
)
def origin(request: ActorRequest, number: str) -> dict:
    return services.origin(actor=request.auth, number=number)


@router.get(
    "/mappings",
    response=list[MappingOut],
    summary="Which category each video, drone and alarm event type becomes",
)
def list_mappings(request: ActorRequest) -> list[dict]:
    return mapping.mappings(actor=request.auth)


@router.put(
    "/mappings", response=list[MappingOut], summary="Map an event type to a category (administrators)"
)
def put_mapping(request: ActorRequest, payload: MappingIn) -> list[dict]:
    mapping.set_mapping(actor=request.auth, **payload.dict())
    return mapping.mappings(actor=request.auth)


@router.get(
    "/opt-outs",
    response=list[OptOutOut],
    summary="Citizens who asked for no notices (numbers masked; find one by its full number)",
)
def list_opt_outs(request: ActorRequest, params: Query[OptOutParams]) -> list[dict]:
    return optouts.opt_outs(request.auth, channel=params.channel, number=params.number, limit=params.limit)


@router.post(
    "/opt-outs",
    response={201: OptOutOut, 200: OptOutOut},
    summary="Record a caller's wish for no more SMS notices (audited)",
)
def add_opt_out(request: ActorRequest, payload: OptOutIn) -> Status:
    row, created = optouts.add(request.auth, phone=payload.phone, note=payload.note)
    return Status(201 if created else 200, optouts.out(row))


@router.delete(
    "/opt-outs/{opt_out_id}", response={204: None}, summary="Lift an opt-out: notices resume (audited)"
)
def remove_opt_out(request: ActorRequest, opt_out_id: int) -> Status:
    optouts.remove(request.auth, opt_out_id)
    return Status(204, None)
