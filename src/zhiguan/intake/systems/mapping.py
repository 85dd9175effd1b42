"""An integrated system's field mapping: checked when an administrator saves it, applied to each event.

The mapping is data (`ExternalSystem.mapping`):

    {"fields": {"eventId": "external_id", "content": "description", "type": "category",
                "location.addr": "address", "location.x": "lng", "location.y": "lat",
                "reporter.name": "reporter_name", "reporter.tel": "reporter_phone"},
     "categories": {"A0101": "SR-ROAD"},            # their category code → our category code
     "statuses": {"2": "dispatched", "9": "closed"},  # their status → ours (callbacks read it backwards)
     "request_type": "report", "crs": "wgs84", "urgent_values": ["1"]}

Their field is a dotted path into the event's JSON. Our fields are `TARGETS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zhiguan.cases.models import RequestType
from zhiguan.cases.status import Status
from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import CRS_CHOICES
from zhiguan.taxonomy.models import Category

# Our side of a field mapping; the first three are required.
REQUIRED_TARGETS = ("external_id", "description", "category")
TARGETS = (
    *REQUIRED_TARGETS,
    "address",
    "lng",
    "lat",
    "reporter_name",
    "reporter_phone",
    "urgency",
    # A status update (docs/decisions/085): their status code and their remark.
    "status",
    "note",
)
MAX_EXTERNAL_ID = 40  # with "<code>:" it fits the case's 64-character external reference


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    fields: dict[str, str] = Field(default_factory=dict, max_length=64)
    categories: dict[str, str] = Field(default_factory=dict, max_length=2000)
    statuses: dict[str, str] = Field(default_factory=dict, max_length=64)
    request_type: str = RequestType.REPORT
    crs: str = "wgs84"
    urgent_values: list[str] = Field(default_factory=list, max_length=16)


def clean(jurisdiction_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """The mapping as stored, or InvalidInput (422 `invalid_mapping`) naming what is wrong."""
    try:
        m = Mapping.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise InvalidInput(
            _("The mapping is not valid."),
            code="invalid_mapping",
            field="mapping." + ".".join(str(p) for p in err["loc"]),
        ) from exc
    for theirs, ours in m.fields.items():
        if not theirs.strip() or len(theirs) > 128:
            raise InvalidInput(_("Name their field."), code="invalid_mapping", field="mapping.fields")
        if ours not in TARGETS:
            raise InvalidInput(
                _("Unknown field of ours: %(field)s.") % {"field": ours},
                code="invalid_mapping",
                field="mapping.fields",
                allowed=list(TARGETS),
            )
    mapped = list(m.fields.values())
    for target in REQUIRED_TARGETS:
        if target not in mapped:
            raise InvalidInput(
                _("Map one of their fields to %(field)s.") % {"field": target},
                code="invalid_mapping",
                field="mapping.fields",
            )
    duplicated = sorted({t for t in mapped if mapped.count(t) > 1})
    if duplicated:
        raise InvalidInput(
            _("Each field of ours takes one of theirs."),
            code="invalid_mapping",
            field="mapping.fields",
            duplicated=duplicated,
        )
    known = set(
        Category.objects.filter(jurisdiction_id=jurisdiction_id, retired_at__isnull=True).values_list(
            "code", flat=True
        )
    )
    unknown = sorted({c for c in m.categories.values() if c not in known})
    if unknown:
        raise InvalidInput(
            _("Unknown or retired categories: %(codes)s.") % {"codes": ", ".join(unknown)},
            code="invalid_mapping",
            field="mapping.categories",
        )
    bad_status = sorted({s for s in m.statuses.values() if s not in Status.values})
    if bad_status:
        raise InvalidInput(
            _("Unknown statuses: %(codes)s.") % {"codes": ", ".join(bad_status)},
            code="invalid_mapping",
            field="mapping.statuses",
        )
    if m.request_type not in RequestType.values:
        raise InvalidInput(_("Unknown request type."), code="invalid_mapping", field="mapping.request_type")
    if m.crs not in CRS_CHOICES:
        raise InvalidInput(_("Unknown coordinate system."), code="invalid_mapping", field="mapping.crs")
    return m.model_dump()


@dataclass(frozen=True)
class Mapped:
    """An event in our terms, ready for `cases.services.register`."""

    external_id: str
    description: str
    category_id: int
    request_type: str
    address: str
    lng: float | None
    lat: float | None
    crs: str
    reporter: dict[str, str]
    urgent: bool


def _pick(event: dict[str, Any], path: str) -> Any:
    value: Any = event
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value).strip()


def _number(value: Any, field: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("Not a number."), code="bad_event", field=field) from exc


def apply(jurisdiction_id: int, mapping: dict[str, Any], event: dict[str, Any]) -> Mapped:
    """Their event in our terms, or InvalidInput with a stable code (`missing_field`, `unmapped_category`)."""
    m = Mapping.model_validate(mapping)
    ours: dict[str, Any] = {}
    theirs_of: dict[str, str] = {}
    for theirs, target in m.fields.items():
        ours[target] = _pick(event, theirs)
        theirs_of[target] = theirs
    for target in REQUIRED_TARGETS:
        if not _text(ours.get(target)):
            raise InvalidInput(
                _("The event has no %(field)s.") % {"field": theirs_of[target]},
                code="missing_field",
                field=theirs_of[target],
            )
    external_id = _text(ours["external_id"])
    if len(external_id) > MAX_EXTERNAL_ID:
        raise InvalidInput(_("The event id is too long."), code="bad_event", field=theirs_of["external_id"])
    their_category = _text(ours["category"])
    code = m.categories.get(their_category)
    category = (
        Category.objects.filter(jurisdiction_id=jurisdiction_id, code=code, retired_at__isnull=True)
        .values_list("pk", flat=True)
        .first()
        if code
        else None
    )
    if category is None:
        raise InvalidInput(
            _("Their category %(code)s is not mapped to one of ours.") % {"code": their_category},
            code="unmapped_category",
            field=theirs_of["category"],
        )
    name = _text(ours.get("reporter_name"))
    phone = _text(ours.get("reporter_phone"))
    return Mapped(
        external_id=external_id,
        description=_text(ours["description"])[:4000],
        category_id=category,
        request_type=m.request_type,
        address=_text(ours.get("address"))[:255],
        lng=_number(ours.get("lng"), theirs_of.get("lng", "lng")),
        lat=_number(ours.get("lat"), theirs_of.get("lat", "lat")),
        crs=m.crs,
        reporter={"name": name or "", "phone": phone},
        urgent=_text(ours.get("urgency")) in m.urgent_values,
    )


def their_status(mapping: dict[str, Any], ours: str) -> str:
    """Our status in their codes (the first of theirs mapped to it), else our own code."""
    for theirs, status in (mapping.get("statuses") or {}).items():
        if status == ours:
            return str(theirs)
    return ours


@dataclass(frozen=True)
class StatusUpdate:
    """A status update in our terms: the case it is about, their code, ours."""

    external_id: str
    their_status: str
    our_status: str
    note: str


def apply_status(mapping: dict[str, Any], event: dict[str, Any]) -> StatusUpdate:
    """Their status update in our terms; 422 `missing_field` without their id or status, 422
    `unmapped_status` when their status is not in the mapping's `statuses`."""
    m = Mapping.model_validate(mapping)
    theirs_of = {target: theirs for theirs, target in m.fields.items()}
    if "status" not in theirs_of:
        raise InvalidInput(
            _("The mapping names none of their fields as the status."),
            code="invalid_mapping",
            field="mapping.fields",
        )
    values = {target: _text(_pick(event, theirs_of[target])) for target in ("external_id", "status")}
    for target, value in values.items():
        if not value:
            raise InvalidInput(
                _("The event has no %(field)s.") % {"field": theirs_of[target]},
                code="missing_field",
                field=theirs_of[target],
            )
    ours = m.statuses.get(values["status"])
    if ours is None:
        raise InvalidInput(
            _("Their status %(code)s is not mapped to one of ours.") % {"code": values["status"]},
            code="unmapped_status",
            field=theirs_of["status"],
        )
    note = _text(_pick(event, theirs_of["note"])) if "note" in theirs_of else ""
    return StatusUpdate(values["external_id"][:MAX_EXTERNAL_ID], values["status"][:64], ours, note[:500])
