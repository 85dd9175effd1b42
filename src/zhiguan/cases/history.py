"""Closed cases brought over from the system a district used before (历史数据迁移).

A district that moves onto the platform brings years of closed requests with it: trends,
year-on-year figures, forecasts and recurring-problem maps need them. They are not worked here,
so they are not replayed through the workflow: each becomes a closed case (or a rated one) with
its original registration and closure times, category, channel, place and lead department, and
one timeline event, `import`, that says where it came from and when it was brought over. No task,
deadline or supervision is invented for it; the department evaluation, which counts duties,
therefore leaves imported cases out by construction.

History is not news: no `case_changed` is sent per case and the integrated systems' outbox hears
nothing (no `case_event_recorded`). One `history_imported` signal after the commit names the
jurisdiction and the time range, for anything that keeps rollups of cases (docs/decisions/093).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.cases.models import CallbackResult, Case, Channel, RequestType
from zhiguan.cases.status import Status
from zhiguan.errors import InvalidInput

# One import at a time is a batch; a bigger migration is several calls (each one transaction).
MAX_BATCH = 50_000


@dataclass(frozen=True)
class HistoricalCase:
    """One closed request of the previous system."""

    legacy_number: str
    request_type: str
    channel: str
    category_id: int
    description: str
    registered_at: datetime
    closed_at: datetime
    lng: float | None = None
    lat: float | None = None
    address: str = ""
    lead_department_id: int | None = None
    component_id: int | None = None
    callback_result: str = ""  # satisfied | basically_satisfied | dissatisfied, or '' when never rated


def check(record: HistoricalCase, index: int, *, categories: set[int], departments: set[int]) -> None:
    """Refuse a record that could not be a closed case of this jurisdiction (nothing is written)."""

    def bad(message: str, field: str) -> InvalidInput:
        return InvalidInput(message, code="invalid_history", field=f"records[{index}].{field}")

    if not record.legacy_number.strip() or len(record.legacy_number) > 64:
        raise bad(
            _("Give the number the case had in the previous system (at most 64 characters)."), "legacy_number"
        )
    if record.request_type not in RequestType.values:
        raise bad(_("Unknown request type."), "request_type")
    if record.channel not in Channel.values:
        raise bad(_("Unknown channel."), "channel")
    if record.category_id not in categories:
        raise bad(_("Unknown or retired category."), "category_id")
    if record.lead_department_id is not None and record.lead_department_id not in departments:
        raise bad(_("Unknown department."), "lead_department_id")
    if not record.description.strip():
        raise bad(_("Describe the matter."), "description")
    if timezone.is_naive(record.registered_at) or timezone.is_naive(record.closed_at):
        raise bad(_("Times must carry their time zone."), "registered_at")
    if not record.registered_at <= record.closed_at <= timezone.now():
        raise bad(_("A case is closed after it was registered, and not in the future."), "closed_at")
    if (record.lng is None) != (record.lat is None):
        raise bad(_("Give both longitude and latitude, or neither."), "lng")
    if record.callback_result and record.callback_result not in CallbackResult.values:
        raise bad(_("Unknown callback result."), "callback_result")


def status_of(record: HistoricalCase) -> str:
    return Status.CALLBACK_DONE if record.callback_result else Status.CLOSED


def check_batch(records: Sequence[HistoricalCase]) -> None:
    if not records:
        raise InvalidInput(_("Nothing to import."), code="invalid_history", field="records")
    if len(records) > MAX_BATCH:
        raise InvalidInput(
            _("Import at most %(n)s cases at a time.") % {"n": f"{MAX_BATCH:,}"},
            code="invalid_history",
            field="records",
        )
    seen: set[str] = set()
    for i, record in enumerate(records):
        if record.legacy_number in seen:
            raise InvalidInput(
                _("The same previous-system number appears twice."),
                code="invalid_history",
                field=f"records[{i}].legacy_number",
            )
        seen.add(record.legacy_number)


def new_case(record: HistoricalCase, *, jurisdiction_id: int, number: str, source: str) -> Case:
    return Case(
        jurisdiction_id=jurisdiction_id,
        number=number,
        request_type=record.request_type,
        channel=record.channel,
        # The previous system's number, kept where a channel's own reference goes: a second
        # import of the same file finds it and skips the case.
        external_ref=f"{source}:{record.legacy_number}"[:64],
        category_id=record.category_id,
        description=record.description.strip(),
        status=status_of(record),
        lead_department_id=record.lead_department_id,
        component_id=record.component_id,
        address=record.address.strip(),
        callback_result=record.callback_result,
        closed_at=record.closed_at,
    )
