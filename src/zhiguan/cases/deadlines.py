"""Stage deadlines of a case (accept, handle, callback) and its warning level.

All time arithmetic goes through `zhiguan.workdays`: accept in working hours, handle in working
days (or in working hours when the profile carries a 数字城管 handling standard:
docs/decisions/060-city-management-taxonomy.md), callback in working days
(docs/decisions/030-cases-workflow-and-deadlines.md). The handling
clock counts from dispatch (交办), stops while the case is suspended, and moves with approved
extensions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from zhiguan.cases.errors import ExtensionLimit
from zhiguan.cases.models import Case, CaseDeadline
from zhiguan.cases.models.case import Urgency, WarningLevel
from zhiguan.cases.models.work import Stage, TaskStatus
from zhiguan.errors import InvalidInput
from zhiguan.workdays.calendar import Deadline, WorkCalendar
from zhiguan.workdays.queries import get_calendar
from zhiguan.workdays.services import deadline_for

if TYPE_CHECKING:
    from zhiguan.taxonomy.models import DeadlineProfile


def yellow_share() -> float:
    """Share of a stage's working time after which its warning turns yellow: ZHIGUAN_CASE_YELLOW_SHARE."""
    return float(settings.ZHIGUAN_CASE_YELLOW_SHARE)


def _profile(case: Case) -> DeadlineProfile:
    from zhiguan.taxonomy.queries import effective_profile

    profile = case.deadline_profile or effective_profile(case.category)
    if profile is None:
        raise InvalidInput(
            _("The category has no deadline profile."), code="no_deadline_profile", field="category_id"
        )
    return profile


def limits(case: Case) -> tuple[Decimal, int, int]:
    """(accept working hours, handle working days, callback working days) for the case's profile and urgency.

    The handling limit actually applied is `handle_limit` (it may be in working hours)."""
    profile = _profile(case)
    if case.urgency == Urgency.URGENT:
        return Decimal(profile.urgent_accept_hours), profile.urgent_handle_days, profile.callback_days
    return Decimal(profile.accept_hours), profile.handle_days, profile.callback_days


@dataclass(frozen=True)
class HandleLimit:
    """The handling limit: exactly one of working days or working hours."""

    days: int | None = None
    hours: Decimal | None = None


def handle_limit(case: Case) -> HandleLimit:
    """The handling limit for the case's profile and urgency.

    A profile with `handle_hours` (the 数字城管 handling standards: 井盖缺失 6 工作时) counts in
    working hours; urgent cases use `urgent_handle_hours`, else the normal hours. Without hours,
    working days as before (`handle_days` / `urgent_handle_days`)."""
    profile = _profile(case)
    urgent = case.urgency == Urgency.URGENT
    if profile.handle_hours is not None:
        hours = (
            profile.urgent_handle_hours
            if urgent and profile.urgent_handle_hours is not None
            else profile.handle_hours
        )
        return HandleLimit(hours=Decimal(hours))
    if urgent and profile.urgent_handle_hours is not None:
        return HandleLimit(hours=Decimal(profile.urgent_handle_hours))
    return HandleLimit(days=profile.urgent_handle_days if urgent else profile.handle_days)


def _active(case: Case, stage: str) -> CaseDeadline | None:
    return case.deadlines.filter(stage=stage, active=True).order_by("-id").first()


def _record(case: Case, stage: str, start: datetime, deadline: Deadline) -> CaseDeadline:
    case.deadlines.filter(stage=stage, active=True).update(active=False)
    return CaseDeadline.objects.create(
        case=case,
        stage=stage,
        started_at=start,
        due_at=deadline.at,
        explanation=deadline.explanation,
        warnings=[w.as_dict() for w in deadline.warnings],
    )


def _start(
    case: Case, stage: str, start: datetime, *, days: int | None = None, hours: Decimal | None = None
) -> CaseDeadline:
    deadline = deadline_for(
        jurisdiction_id=case.jurisdiction_id, start=start, working_days=days, working_hours=hours
    )
    return _record(case, stage, start, deadline)


def dispatch_deadlines(case: Case, *, now: datetime) -> tuple[Deadline | None, Deadline]:
    """The (accept, handle) deadlines a dispatch at `now` sets, computed without writing anything.

    Accept within N working hours and handle within the handling limit (working days, or working
    hours: `handle_limit`), both counted from `now`, for the case's profile (`case.deadline_profile`, else its category's) and urgency. A profile whose
    acceptance time is 0 hours (consultations) has no acceptance stage: accept is None. The
    dispatch console previews exactly this; `start_dispatch_stages` records it.
    """
    accept_hours, _handle_days, _callback = limits(case)
    handle = handle_limit(case)
    jid = case.jurisdiction_id
    accept = (
        deadline_for(jurisdiction_id=jid, start=now, working_hours=accept_hours) if accept_hours > 0 else None
    )
    return accept, deadline_for(
        jurisdiction_id=jid, start=now, working_days=handle.days, working_hours=handle.hours
    )


def start_dispatch_stages(case: Case, *, now: datetime) -> tuple[CaseDeadline | None, CaseDeadline]:
    """On dispatch: record the stages `dispatch_deadlines` computes (accept is None without an acceptance stage).

    Returns the (accept, handle) stage rows; no accept deadline runs, turns red or escalates
    when the profile has no acceptance stage.
    """
    accept_due, handle_due = dispatch_deadlines(case, now=now)
    if accept_due is not None:
        accept: CaseDeadline | None = _record(case, Stage.ACCEPT, now, accept_due)
    else:
        case.deadlines.filter(stage=Stage.ACCEPT, active=True).update(active=False)
        accept = None
    return accept, _record(case, Stage.HANDLE, now, handle_due)


def restart_handle(case: Case, *, now: datetime) -> CaseDeadline:
    """Rework or reopen: a new handling stage from now; the old one keeps its outcome."""
    handle = handle_limit(case)
    return _start(case, Stage.HANDLE, now, days=handle.days, hours=handle.hours)


def start_callback_stage(case: Case, *, now: datetime) -> None:
    _accept, _handle, callback_days = limits(case)
    _start(case, Stage.CALLBACK, now, days=callback_days)


def complete_stage(case: Case, stage: str, *, at: datetime) -> bool | None:
    """Mark the stage done now and record whether its deadline was met (None when it had none)."""
    row = _active(case, stage)
    if row is None:
        return None
    row.completed_at, row.met, row.active = at, at <= row.due_at, False
    row.save(update_fields=["completed_at", "met", "active"])
    return row.met


def stop_all(case: Case) -> None:
    """The stages stop without an outcome (return judged justified, merged as duplicate)."""
    case.deadlines.filter(active=True).update(active=False)


def check_extension_limit(case: Case, working_days: int) -> None:
    """422 extension_limit past the allowed number of extensions or of extension working days in all.

    The limits are `ZHIGUAN_CASE_MAX_EXTENSIONS` and `ZHIGUAN_CASE_MAX_EXTENSION_DAYS`, read at call time.
    """
    max_extensions = settings.ZHIGUAN_CASE_MAX_EXTENSIONS
    max_days = settings.ZHIGUAN_CASE_MAX_EXTENSION_DAYS
    if case.extension_count + 1 > max_extensions or case.extension_days + working_days > max_days:
        raise ExtensionLimit(
            max_extensions=max_extensions,
            max_working_days=max_days,
            extensions_so_far=case.extension_count,
            working_days_so_far=case.extension_days,
        )


def _move_task_dues(case: Case, due: datetime) -> None:
    case.tasks.exclude(status=TaskStatus.CANCELLED).update(handle_due=due)


def extend_handle(case: Case, working_days: int) -> datetime:
    """Move the handling deadline by `working_days` working days from the current deadline."""
    row = _active(case, Stage.HANDLE)
    assert row is not None, "an extension needs a running handling stage"
    deadline = deadline_for(jurisdiction_id=case.jurisdiction_id, start=row.due_at, working_days=working_days)
    row.due_at = deadline.at
    row.explanation = f"{row.explanation}\n{deadline.explanation}".strip()
    row.warnings = row.warnings + [w.as_dict() for w in deadline.warnings]
    row.save(update_fields=["due_at", "explanation", "warnings"])
    _move_task_dues(case, row.due_at)
    return row.due_at


def pause_handle(case: Case, *, at: datetime) -> None:
    row = _active(case, Stage.HANDLE)
    if row is not None:
        row.paused_at = at
        row.save(update_fields=["paused_at"])


def resume_handle(case: Case, *, at: datetime) -> tuple[timedelta, datetime | None]:
    """The working time spent suspended, and the handling deadline moved by exactly that much."""
    row = _active(case, Stage.HANDLE)
    if row is None or row.paused_at is None:
        return timedelta(0), None
    paused = get_calendar(case.jurisdiction_id).working_time_between(row.paused_at, at)
    if paused <= timedelta(0):
        # Suspended and resumed outside office time (or at once): the deadline stays where it was.
        row.paused_at = None
        row.save(update_fields=["paused_at"])
        return paused, row.due_at
    deadline = deadline_for(jurisdiction_id=case.jurisdiction_id, start=row.due_at, working_hours=paused)
    row.due_at, row.paused_at = deadline.at, None
    row.explanation = f"{row.explanation}\n" + _(
        "Suspended for %(hours)s working hours; the deadline moved."
    ) % {"hours": round(paused.total_seconds() / 3600, 2)}
    row.save(update_fields=["due_at", "paused_at", "explanation"])
    _move_task_dues(case, row.due_at)
    return paused, row.due_at


def level_of(
    rows: list[CaseDeadline], now: datetime, calendar: WorkCalendar, share: float | None = None
) -> str:
    """Green, yellow (at `share` of the working time used) or red (past due) for these running stage rows.

    Pure: the rows and the calendar are given, so the sweep computes a whole batch from one query.
    """
    share = yellow_share() if share is None else share
    level = WarningLevel.GREEN
    for row in rows:
        moment = row.paused_at or now
        if moment > row.due_at:
            return WarningLevel.RED
        if level == WarningLevel.YELLOW:
            continue
        total = calendar.working_time_between(row.started_at, row.due_at)
        if total.total_seconds() <= 0:
            continue
        used = calendar.working_time_between(row.started_at, moment)
        if used / total >= share:
            level = WarningLevel.YELLOW
    return level


def warning_level_at(case: Case, now: datetime) -> str:
    """Green, yellow (at `yellow_share()` of the working time used) or red (past due) for the running stage."""
    rows = list(case.deadlines.filter(active=True))
    if not rows:
        return WarningLevel.GREEN
    return level_of(rows, now, get_calendar(case.jurisdiction_id))


def refresh_warning_level(case: Case, *, now: datetime) -> bool:
    """Store the current warning level on the case; True when it changed."""
    level = warning_level_at(case, now)
    if level == case.warning_level:
        return False
    Case.objects.filter(pk=case.pk).update(warning_level=level)
    case.warning_level = level
    return True
