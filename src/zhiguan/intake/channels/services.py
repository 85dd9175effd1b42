"""The machine channels' business rules: calls from the hotline bridge, camera and drone events,
sensor alarms. Every case is registered through `zhiguan.cases.services.register` with the
channel and the sender's own id as `external_ref`; a repeated post returns the first case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case, Channel, RequestType, Urgency
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.intake.channels import mapping
from zhiguan.intake.channels.models import Alarm, AlarmState, CallSession, CallState, EventSource, VideoEvent
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.video.models import Camera

# The 12345 line; any other line is a department hotline merged into it (部门热线).
CITIZEN_HOTLINE = "12345"
# Alarm levels: 1 (most severe) … 4; levels 1 and 2 make urgent cases.
URGENT_LEVELS = (1, 2)


def _stored(text: str, **params: Any) -> str:
    """Text stored on a case (description, timeline note) in the district's language, whatever the
    sending machine's Accept-Language: it is read by the district's staff, not by the sender."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(text) % params if params else _(text)


def channel_or(preferred: str, fallback: str) -> str:
    """`preferred` when the cases app knows that channel value, else `fallback` (docs/decisions/079)."""
    return preferred if preferred in Channel.values else fallback


def line_channel(line: str) -> str:
    return Channel.HOTLINE if line == CITIZEN_HOTLINE else channel_or("dept_hotline", Channel.HOTLINE)


# -------------------------------------------------------------------------------------------- calls


def call_event(
    *,
    actor: Actor,
    event: str,
    call_id: str,
    line: str,
    caller: str,
    agent_extension: str = "",
    recording_ref: str = "",
    at: datetime | None = None,
) -> tuple[CallSession, bool]:
    """Record a call's start or end from the telephony bridge; returns (session, created).

    A repeated event changes nothing; an `ended` before its `started` (events cross on the wire)
    records the call as ended. The recording reference usually comes with the end.
    """
    require(actor, "case.create")
    if event not in ("started", "ended"):
        raise InvalidInput(_("Unknown value."), field="event", allowed=["started", "ended"])
    at = at or timezone.now()
    with transaction.atomic():
        session = (
            CallSession.objects.select_for_update()
            .filter(jurisdiction_id=actor.jurisdiction.pk, call_id=call_id)
            .first()
        )
        created = session is None
        if session is None:
            session = CallSession(
                jurisdiction=actor.jurisdiction,
                call_id=call_id,
                line=line,
                caller=caller,
                agent_extension=agent_extension,
                started_at=at,
            )
        before = {"state": session.state, "recording_ref": session.recording_ref}
        session.agent_extension = agent_extension or session.agent_extension
        session.recording_ref = recording_ref or session.recording_ref
        if event == "ended" and session.state != CallState.ENDED:
            session.state, session.ended_at = CallState.ENDED, at
        elif event == "started" and not created:
            return session, False  # a repeat, or a start arriving after its end
        session.save()
        audit.record(
            actor=actor,
            action=f"channels.call_{event}",
            target=session,
            before=None if created else before,
            after={"line": line, "agent_extension": session.agent_extension, "state": session.state},
        )
    return session, created


def current_call(*, actor: Actor, extension: str) -> CallSession | None:
    """The call ringing or in progress at this agent's extension (the newest), for the intake screen."""
    require(actor, "case.reveal")
    return (
        CallSession.objects.filter(
            jurisdiction_id=actor.jurisdiction.pk, agent_extension=extension, state=CallState.ACTIVE
        )
        .order_by("-started_at", "-id")
        .first()
    )


def link_call(*, actor: Actor, call_id: str, number: str) -> CallSession:
    """The case registered during this call keeps the call: its recording reference on the timeline."""
    require(actor, "case.create")
    case = get_or_404(actor, Case.objects.all(), "case.view", number=number)
    with transaction.atomic():
        session = (
            CallSession.objects.select_for_update()
            .filter(jurisdiction_id=actor.jurisdiction.pk, call_id=call_id)
            .first()
        )
        if session is None:
            raise NotFound(_("No such call."), code="unknown_call")
        if session.cases.filter(pk=case.pk).exists():
            return session
        session.cases.add(case)
        cases.annotate(
            actor=actor,
            case_id=case.pk,
            action="call_link",
            note=_stored(
                gettext_noop("Registered from call %(call)s on line %(line)s."),
                call=call_id,
                line=session.line,
            ),
            payload={"call_id": call_id, "line": session.line, "recording_ref": session.recording_ref},
        )
    return session


def _mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else phone[:2] + "**"


def caller_history(*, actor: Actor, phone: str, limit: int = 20) -> dict[str, Any]:
    """A caller's earlier cases (outcome, rating) and calls, for an intake role only (`case.reveal`).

    Phone numbers are personal data: the look-up is audited like a search by reporter.
    """
    from zhiguan.cases.filters import CaseFilter
    from zhiguan.cases.reporters import search_by_reporter

    items, total = search_by_reporter(
        actor=actor, f=CaseFilter.model_validate({}), phone=phone, reason=_("caller history"), limit=limit
    )
    calls = CallSession.objects.filter(jurisdiction_id=actor.jurisdiction.pk, caller=phone.strip())
    rated = [c.callback_result for c in items if c.callback_result]
    return {
        "phone": phone.strip(),
        "total": total,
        "open": sum(1 for c in items if c.closed_at is None),
        "dissatisfied": sum(1 for r in rated if r == "dissatisfied"),
        "calls": calls.count(),
        "last_call_at": calls.order_by("-started_at").values_list("started_at", flat=True).first(),
        "cases": items,
    }


# --------------------------------------------------------------------------------- video and drones


@dataclass(frozen=True)
class Registered:
    case: Case
    created: bool


def _reporter(name: str) -> list[dict[str, str]]:
    return [{"name": name[:64]}]


def _existing_event(actor: Actor, source: str, event_id: str) -> VideoEvent | None:
    return (
        VideoEvent.objects.filter(jurisdiction_id=actor.jurisdiction.pk, source=source, event_id=event_id)
        .select_related("case")
        .first()
    )


def video_event(
    *,
    actor: Actor,
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    camera_code: str = "",
    drone_id: str = "",
    flight_id: str = "",
    lng: float | None = None,
    lat: float | None = None,
    description: str = "",
    snapshot: UploadedFile | None = None,
    snapshot_url: str = "",
) -> Registered:
    """A camera analytics or drone imagery event becomes one case.

    A camera event names a registered camera (else 422 `unknown_camera`) and is placed at the
    camera's point; a drone event names its drone and carries its own WGS-84 position (else 422
    `position_required`). The same event id again returns the first case. Nothing is written when
    anything is refused (the snapshot file included).
    """
    require(actor, "case.create")
    is_drone = bool(drone_id)
    if is_drone == bool(camera_code):
        raise InvalidInput(_("Name either a camera or a drone."), code="camera_or_drone", field="camera_code")
    source = EventSource.DRONE if is_drone else EventSource.VIDEO
    found = _existing_event(actor, source, event_id)
    if found is not None:
        return Registered(found.case, False)
    camera = None
    if is_drone:
        if lng is None or lat is None:
            raise InvalidInput(
                _("A drone event carries its own position (WGS-84)."), code="position_required", field="lng"
            )
        origin = _stored(gettext_noop("Drone %(drone)s"), drone=drone_id)
        channel = channel_or("drone", Channel.VIDEO)
    else:
        camera = Camera.objects.filter(
            jurisdiction_id=actor.jurisdiction.pk, code=camera_code, retired_at__isnull=True
        ).first()
        if camera is None:
            raise InvalidInput(
                _("No camera with this code is registered."), code="unknown_camera", field="camera_code"
            )
        if camera.lng is None or camera.lat is None:
            raise InvalidInput(
                _("The camera has no position in the registry."),
                code="camera_without_position",
                field="camera_code",
            )
        lng, lat = camera.lng, camera.lat
        origin = camera.name
        channel = Channel.VIDEO
    category = mapping.category_for(
        jurisdiction_id=actor.jurisdiction.pk, source=source, event_type=event_type
    )
    # Drone and camera events share the video channel while the cases app has no drone value.
    external_ref = event_id if channel != Channel.VIDEO or not is_drone else f"drone:{event_id}"[:64]
    text = description.strip() or _stored(
        gettext_noop("%(origin)s detected %(category)s at %(time)s."),
        origin=origin,
        category=category.name,
        time=timezone.localtime(occurred_at).strftime("%Y-%m-%d %H:%M"),
    )
    with cases.discard_on_error(), transaction.atomic():
        attachments = []
        if snapshot is not None:
            attachments.append(
                cases.upload_attachment(
                    actor=actor, upload=snapshot, allowed=cases.IMAGE_TYPES, field="snapshot"
                ).pk
            )
        case, created = cases.register(
            actor=actor,
            request_type=RequestType.REPORT,
            channel=channel,
            category_id=category.pk,
            description=text,
            reporters=_reporter(origin),
            lng=lng,
            lat=lat,
            address=camera.address if camera is not None else "",
            external_ref=external_ref,
            attachment_ids=attachments,
        )
        try:
            with transaction.atomic():
                VideoEvent.objects.create(
                    jurisdiction=actor.jurisdiction,
                    source=source,
                    event_id=event_id,
                    event_type=event_type,
                    camera=camera,
                    drone_id=drone_id,
                    flight_id=flight_id,
                    occurred_at=occurred_at,
                    snapshot_url=snapshot_url,
                    case=case,
                )
        except IntegrityError:
            # The same event posted twice at the same moment: the first one's row stands.
            pass
    return Registered(case, created)


# ------------------------------------------------------------------------------------------ alarms


def _device_position(actor: Actor, device_id: str) -> tuple[float, float] | None:
    row = (
        Alarm.objects.filter(jurisdiction_id=actor.jurisdiction.pk, device_id=device_id, lng__isnull=False)
        .order_by("-occurred_at", "-id")
        .values_list("lng", "lat")
        .first()
    )
    return (row[0], row[1]) if row and row[0] is not None and row[1] is not None else None


def alarm(
    *,
    actor: Actor,
    alarm_id: str,
    device_id: str,
    alarm_type: str,
    level: int,
    occurred_at: datetime,
    state: str = AlarmState.ACTIVE,
    lng: float | None = None,
    lat: float | None = None,
    component: str | None = None,
    description: str = "",
) -> tuple[Alarm, bool]:
    """An alarm becomes one case; returns (alarm, created).

    The same alarm id again (a repeat, a new level, its clearing) lands on the same alarm and case,
    never a second case; the clearing is recorded on the case's timeline once. The position is the
    alarm's own, else the city component it names, else where the device's earlier alarms stood,
    else 422 `position_required`. A clearing of an alarm never raised is 404 `unknown_alarm`.
    """
    require(actor, "case.create")
    if state not in AlarmState.values:
        raise InvalidInput(_("Unknown value."), field="state", allowed=list(AlarmState.values))
    jid = actor.jurisdiction.pk
    with transaction.atomic():
        row = Alarm.objects.select_for_update().filter(jurisdiction_id=jid, alarm_id=alarm_id).first()
        if row is not None:
            _update_alarm(actor, row, state=state, level=level, at=occurred_at)
            return row, False
    if state == AlarmState.CLEARED:
        raise NotFound(_("No such alarm was raised."), code="unknown_alarm")
    if (lng is None) != (lat is None):
        raise InvalidInput(_("Give both longitude and latitude, or neither."), field="lng")
    if lng is None and not component:
        known = _device_position(actor, device_id)
        if known is None:
            raise InvalidInput(
                _("The alarm has no position and the device none on record."),
                code="position_required",
                field="lng",
            )
        lng, lat = known
    category = mapping.category_for(jurisdiction_id=jid, source=EventSource.ALARM, event_type=alarm_type)
    text = description.strip() or _stored(
        gettext_noop("Device %(device)s raised a level %(level)d %(category)s alarm."),
        device=device_id,
        level=level,
        category=category.name,
    )
    with transaction.atomic():
        case, _created = cases.register(
            actor=actor,
            request_type=RequestType.REPORT,
            channel=Channel.SENSOR,
            category_id=category.pk,
            description=text,
            reporters=_reporter(_stored(gettext_noop("Device %(device)s"), device=device_id)),
            lng=lng,
            lat=lat,
            external_ref=alarm_id,
            urgency=Urgency.URGENT if level in URGENT_LEVELS else Urgency.NORMAL,
            component=component or None,
        )
        try:
            with transaction.atomic():
                row = Alarm.objects.create(
                    jurisdiction=actor.jurisdiction,
                    alarm_id=alarm_id,
                    device_id=device_id,
                    alarm_type=alarm_type,
                    level=level,
                    occurred_at=occurred_at,
                    lng=case.lng,
                    lat=case.lat,
                    case=case,
                )
        except IntegrityError:
            row = Alarm.objects.get(jurisdiction_id=jid, alarm_id=alarm_id)
            return row, False
    return row, True


def _update_alarm(actor: Actor, row: Alarm, *, state: str, level: int, at: datetime) -> None:
    before = {"state": row.state, "level": row.level}
    if row.state == AlarmState.CLEARED or (state == row.state and level == row.level):
        return  # a repeat, or news of an alarm already cleared: nothing changes
    row.level = level
    if state == AlarmState.CLEARED:
        row.state, row.cleared_at = AlarmState.CLEARED, at
        cases.annotate(
            actor=actor,
            case_id=row.case_id,
            action="alarm_clear",
            note=_stored(gettext_noop("Device %(device)s cleared the alarm."), device=row.device_id),
            payload={"alarm_id": row.alarm_id, "cleared_at": at.isoformat()},
        )
    row.save()
    audit.record(
        actor=actor,
        action="channels.alarm_updated",
        target=row,
        before=before,
        after={"state": row.state, "level": level},
    )


# ------------------------------------------------------------------------------------------ origin


def origin(*, actor: Actor, number: str) -> dict[str, Any]:
    """Where a case came from, for the case page: the call, camera, drone or device behind it."""
    case = get_or_404(actor, Case.objects.all(), "case.view", number=number)
    out: dict[str, Any] = {"number": case.number, "channel": case.channel, "external_ref": case.external_ref}
    event = VideoEvent.objects.filter(case=case).select_related("camera").first()
    if event is not None:
        out |= {
            "kind": event.source,
            "event_type": event.event_type,
            "camera_code": event.camera.code if event.camera else "",
            "camera_name": event.camera.name if event.camera else "",
            "drone_id": event.drone_id,
            "flight_id": event.flight_id,
        }
    row = Alarm.objects.filter(case=case).first()
    if row is not None:
        out |= {
            "kind": "alarm",
            "device_id": row.device_id,
            "alarm_type": row.alarm_type,
            "alarm_state": row.state,
        }
    call = CallSession.objects.filter(cases=case).first()
    if call is not None:
        out |= {
            "kind": "call",
            "line": call.line,
            "recording_ref": call.recording_ref,
            "call_id": call.call_id,
        }
    out.setdefault("kind", "person")
    return out
