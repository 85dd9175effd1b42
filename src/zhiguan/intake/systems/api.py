"""HTTP API of the integrated systems, at /api/v1/systems/:

- `POST inbound/{jurisdiction}/{code}`: a system's signed event (no log-in; HMAC-SHA256 over
  `<timestamp>.<body>`, see `signing`), answering with the case number;
- `POST inbound/{jurisdiction}/{code}/status`: its signed status update about a case it sent, moved
  through the workflow as the system's acting account when the mapping allows (docs/decisions/085);
- for administrators (`client.manage`): the systems and their mappings, the callbacks, the dead
  letters and their replay.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.throttling import BaseThrottle

from zhiguan.intake.systems import queries, services, signing
from zhiguan.intake.systems.models import Callback, ExternalSystem
from zhiguan.intake.systems.schemas import (
    CallbackOut,
    CallbackParams,
    InboundOut,
    InboundStatusOut,
    InboundStatusParams,
    SystemIn,
    SystemOptionsOut,
    SystemOut,
    SystemSecretsOut,
)
from zhiguan.org.auth import ActorRequest
from zhiguan.throttling import AnonThrottle

router = Router(tags=["systems"])


def _throttle() -> list[BaseThrottle]:
    return [AnonThrottle("ZHIGUAN_SYSTEMS_RATE", scope="systems")]


@router.post(
    "/inbound/{jurisdiction}/{code}",
    auth=None,
    throttle=_throttle(),
    response={200: InboundOut, 201: InboundOut},
    summary="A signed event of an integrated system (the same event again returns the same case)",
)
def inbound(request: HttpRequest, jurisdiction: str, code: str) -> Any:
    case, created, _system = services.receive(
        jurisdiction_code=jurisdiction[:16],
        code=code[:16],
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER, "")[:32],
        signature=request.headers.get(signing.SIGNATURE_HEADER, "")[:160],
        body=request.body,
    )
    return Status(
        201 if created else 200, {"case_number": case.number, "created": created, "status": case.status}
    )


@router.post(
    "/inbound/{jurisdiction}/{code}/status",
    auth=None,
    throttle=_throttle(),
    response=InboundStatusOut,
    summary="A signed status update of an integrated system about a case it sent",
)
def inbound_status(request: HttpRequest, jurisdiction: str, code: str) -> Any:
    row = services.receive_status(
        jurisdiction_code=jurisdiction[:16],
        code=code[:16],
        timestamp=request.headers.get(signing.TIMESTAMP_HEADER, "")[:32],
        signature=request.headers.get(signing.SIGNATURE_HEADER, "")[:160],
        body=request.body,
    )
    return queries.status_updates_out([row])[0]


@router.get(
    "/status-updates",
    response=list[InboundStatusOut],
    summary="The systems' status updates, newest first, with what became of each",
)
def list_status_updates(request: ActorRequest, params: Query[InboundStatusParams]) -> Any:
    return queries.status_updates(
        request.auth, system_id=params.system_id, outcome=params.outcome, limit=params.limit
    )


def _input(payload: SystemIn) -> services.SystemInput:
    return services.SystemInput(
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        callback_url=payload.callback_url,
        enabled=payload.enabled,
        mapping=payload.mapping.model_dump(),
        # Left out of the body (the console's mapping form): the acting account stays as it is.
        acting_user_id=payload.acting_user_id
        if "acting_user_id" in payload.model_fields_set
        else services.KEEP,
    )


def _with_secrets(system: ExternalSystem, shown: str) -> dict[str, Any]:
    inbound, callback = shown.split(":", 1)
    return {"system": queries.system_out(system), "inbound_secret": inbound, "callback_secret": callback}


@router.get(
    "/options", response=SystemOptionsOut, summary="Kinds, our fields and statuses for the mapping form"
)
def options(request: ActorRequest) -> Any:
    return queries.options(request.auth)


@router.get("/", response=list[SystemOut], summary="The integrated systems and their callback counts")
def list_systems(request: ActorRequest) -> Any:
    return queries.systems(request.auth)


@router.post(
    "/", response={201: SystemSecretsOut}, summary="Add an integrated system (its secrets shown once)"
)
def create_system(request: ActorRequest, payload: SystemIn) -> Any:
    system, shown = services.save_system(actor=request.auth, data=_input(payload))
    return Status(201, _with_secrets(system, shown))


@router.get("/callbacks", response=list[CallbackOut], summary="Status callbacks, newest first")
def list_callbacks(request: ActorRequest, params: Query[CallbackParams]) -> Any:
    return queries.callbacks(
        request.auth,
        state=params.state,
        system_id=params.system_id,
        before_id=params.before_id,
        limit=params.limit,
    )


@router.post("/callbacks/{callback_id}/replay", response=CallbackOut, summary="Send a dead letter again")
def replay(request: ActorRequest, callback_id: int) -> Any:
    row = services.replay(actor=request.auth, callback_id=callback_id)
    return queries.callback_out(Callback.objects.select_related("system", "case").get(pk=row.pk))


@router.put("/{system_id}", response=SystemOut, summary="Change a system and its mapping")
def change_system(request: ActorRequest, system_id: int, payload: SystemIn) -> Any:
    system, _shown = services.save_system(actor=request.auth, data=_input(payload), system_id=system_id)
    return queries.system_out(system)


@router.post("/{system_id}/rotate-secrets", response=SystemSecretsOut, summary="New secrets (shown once)")
def rotate(request: ActorRequest, system_id: int) -> Any:
    system, shown = services.rotate_secrets(actor=request.auth, system_id=system_id)
    return _with_secrets(system, shown)
