"""One typed input contract per workflow action: what the body of each action may and must carry.

The same classes validate `services.perform(**payload)` and describe each action's request body in
the OpenAPI document (one operation per action, docs/decisions/035-typed-action-contracts.md), from
which the console generates its action forms. Unknown fields are refused; choices are `Literal`s
so that the generated TypeScript carries them. Rules that need the database (an inspector who
exists, an open case to merge into) stay in `effects.py`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictFloat, StrictInt, StringConstraints

from zhiguan.schemas import Id, InputSchema

# Lengths of free text on a step: a note, a reason, a department's reply.
NOTE_MAX, REASON_MAX, REPLY_MAX = 2000, 1000, 5000

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX)]
RequiredNote = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NOTE_MAX)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REASON_MAX)]
Reply = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=REPLY_MAX)]
# Strict: a number, never text; an int is a float too.
Number = Annotated[StrictFloat, Field(allow_inf_nan=False)]


class ActionIn(InputSchema):
    """Every action: an optional note and the ids of files uploaded for this step."""

    note: Note = ""
    attachment_ids: list[Id] = Field(default_factory=list, max_length=20)


class NoteRequiredIn(ActionIn):
    note: RequiredNote


class DispatchIn(ActionIn):
    """Leave the departments out to take the routing suggestion."""

    lead_department_id: Id | None = None
    co_handler_ids: list[Id] | None = Field(None, max_length=20)


class ReturnIn(ActionIn):
    reason: Reason


class ReplyIn(ActionIn):
    reply: Reply


class ExtensionIn(ActionIn):
    working_days: Annotated[StrictInt, Field(ge=1, le=365)]
    reason: Reason


class SuspensionIn(ActionIn):
    reason: Reason


class AssignInspectorIn(ActionIn):
    inspector_id: Id


class VerifyIn(ActionIn):
    """On site: the inspector's own position where they verified (the device's GPS, never the case's
    point) and at least one photo; by camera: which camera was looked at."""

    method: Literal["site", "camera"]
    lng: Annotated[Number, Field(ge=-180, le=180)] | None = None
    lat: Annotated[Number, Field(ge=-90, le=90)] | None = None
    # A browser's geolocation is WGS-84; map apps of Chinese vendors send GCJ-02 or BD-09.
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    # The device's reported accuracy radius in metres, when it gives one.
    accuracy: Annotated[Number, Field(ge=0, le=100000)] | None = None
    camera: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] = ""


class VerifyFailIn(VerifyIn):
    note: RequiredNote


class CallbackIn(ActionIn):
    result: Literal["satisfied", "basically_satisfied", "dissatisfied"]


class MergeIn(ActionIn):
    into: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]


# The contract of every action of `workflow.TABLE` (checked at start-up by `effects`).
INPUTS: dict[str, type[ActionIn]] = {
    "answer": NoteRequiredIn,
    "reject": NoteRequiredIn,
    "submit": ActionIn,
    "dispatch": DispatchIn,
    "accept": ActionIn,
    "accept_co": ActionIn,
    "return": ReturnIn,
    "accept_return": ActionIn,
    "refuse_return": ActionIn,
    "reply": ReplyIn,
    "reply_co": ReplyIn,
    "request_extension": ExtensionIn,
    "approve_extension": ActionIn,
    "refuse_extension": ActionIn,
    "request_suspension": SuspensionIn,
    "approve_suspension": ActionIn,
    "refuse_suspension": ActionIn,
    "resume": ActionIn,
    "feed_back": ActionIn,
    "assign_inspector": AssignInspectorIn,
    "verify_pass": VerifyIn,
    "verify_fail": VerifyFailIn,
    "close": ActionIn,
    "callback": CallbackIn,
    "reopen": NoteRequiredIn,
    "merge": MergeIn,
    "unmerge": NoteRequiredIn,
}
