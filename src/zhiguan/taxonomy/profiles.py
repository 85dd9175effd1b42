"""Deadline profiles: how fast a kind of case is accepted, handled and called back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.taxonomy.models import DeadlineProfile

PROFILE_FIELDS = [
    "code",
    "name",
    "accept_hours",
    "handle_days",
    "callback_days",
    "urgent_accept_hours",
    "urgent_handle_days",
    "handle_hours",
    "urgent_handle_hours",
    "filing_condition",
    "closing_condition",
    "source",
    "active",
]
# Beyond these a profile is a typing mistake, not a policy (a year to handle a complaint).
MAX_DAYS = 365
MAX_ACCEPT_HOURS = Decimal(240)
# A handling limit in working hours: 0.01 h up to 1000 h (about 130 working days).
MAX_HANDLE_HOURS = Decimal(1000)
MAX_CONDITION_LENGTH = 2000


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


# "Leave as it is" for the nullable hour limits, as opposed to None, which clears them.
KEEP: Final = _Keep()


def _bounded_hours(value: Any, field: str, *, low: Decimal, high: Decimal, out_of_range: str) -> Decimal:
    """Hours in [low, high] with at most two decimals, else InvalidInput naming the field."""
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Enter a number of hours."), code="invalid_profile", field=field) from exc
    if not hours.is_finite() or hours < low or hours > high or hours != hours.quantize(Decimal("0.01")):
        raise InvalidInput(out_of_range, code="invalid_profile", field=field)
    return hours.quantize(Decimal("0.01"))


def _hours(value: Any, field: str) -> Decimal:
    return _bounded_hours(
        value,
        field,
        low=Decimal(0),
        high=Decimal(MAX_ACCEPT_HOURS),
        out_of_range=_("Hours must be between 0 and %(max)s, in steps of at most 0.01.")
        % {"max": MAX_ACCEPT_HOURS},
    )


def _handle_hours(value: Any, field: str) -> Decimal | None:
    if value is None:
        return None
    return _bounded_hours(
        value,
        field,
        low=Decimal("0.01"),
        high=Decimal(MAX_HANDLE_HOURS),
        out_of_range=_(
            "A handling limit in working hours must be more than 0 and at most %(max)s, in steps of at most 0.01."
        )
        % {"max": MAX_HANDLE_HOURS},
    )


def _text(value: str, field: str, max_length: int) -> str:
    value = (value or "").strip()
    if len(value) > max_length:
        raise InvalidInput(
            _("At most %(max)d characters.") % {"max": max_length}, code="invalid_profile", field=field
        )
    return value


def _days(value: Any, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
        raise InvalidInput(
            _("Days must be a whole number between 1 and %(max)d.") % {"max": MAX_DAYS},
            code="invalid_profile",
            field=field,
        )
    return value


def _validate_profile(p: DeadlineProfile) -> None:
    p.accept_hours = _hours(p.accept_hours, "accept_hours")
    p.urgent_accept_hours = _hours(p.urgent_accept_hours, "urgent_accept_hours")
    p.handle_days = _days(p.handle_days, "handle_days")
    p.callback_days = _days(p.callback_days, "callback_days")
    p.urgent_handle_days = _days(p.urgent_handle_days, "urgent_handle_days")
    p.handle_hours = _handle_hours(p.handle_hours, "handle_hours")
    p.urgent_handle_hours = _handle_hours(p.urgent_handle_hours, "urgent_handle_hours")
    p.filing_condition = _text(p.filing_condition, "filing_condition", MAX_CONDITION_LENGTH)
    p.closing_condition = _text(p.closing_condition, "closing_condition", MAX_CONDITION_LENGTH)
    p.source = _text(p.source, "source", 255)
    slower = None
    if p.urgent_accept_hours > p.accept_hours:
        slower = "urgent_accept_hours"
    elif p.urgent_handle_days > p.handle_days:
        slower = "urgent_handle_days"
    elif (
        p.handle_hours is not None
        and p.urgent_handle_hours is not None
        and p.urgent_handle_hours > p.handle_hours
    ):
        slower = "urgent_handle_hours"
    if slower is not None:
        raise InvalidInput(
            _("An urgent case cannot get more time than a normal one."), code="invalid_profile", field=slower
        )
    p.name = " ".join(p.name.split())
    if not p.name:
        raise InvalidInput(_("A deadline profile needs a name."), field="name")


@transaction.atomic
def create_profile(
    *,
    actor: Actor,
    code: str,
    name: str,
    accept_hours: Decimal | float | int,
    handle_days: int,
    callback_days: int,
    urgent_accept_hours: Decimal | float | int | None = None,
    urgent_handle_days: int | None = None,
    handle_hours: Decimal | float | int | None = None,
    urgent_handle_hours: Decimal | float | int | None = None,
    filing_condition: str = "",
    closing_condition: str = "",
    source: str = "",
) -> DeadlineProfile:
    """Create a deadline profile. Urgent values default to the normal ones and may not exceed them.

    With `handle_hours` the handling limit is that many working hours instead of `handle_days`
    (urgent: `urgent_handle_hours`, else the normal hours); the conditions and the source are the
    handling standard the limit comes from (立案条件, 结案条件)."""
    require(actor, "taxonomy.manage")
    code = code.strip()
    if not code:
        raise InvalidInput(_("A deadline profile needs a code."), field="code")
    if DeadlineProfile.objects.filter(jurisdiction=actor.jurisdiction, code=code).exists():
        raise Conflict(
            _("Another deadline profile already has this code."), code="duplicate_code", field="code"
        )
    profile = DeadlineProfile(
        jurisdiction=actor.jurisdiction,
        code=code,
        name=name,
        accept_hours=accept_hours,
        handle_days=handle_days,
        callback_days=callback_days,
        urgent_accept_hours=accept_hours if urgent_accept_hours is None else urgent_accept_hours,
        urgent_handle_days=handle_days if urgent_handle_days is None else urgent_handle_days,
        handle_hours=handle_hours,
        urgent_handle_hours=urgent_handle_hours,
        filing_condition=filing_condition,
        closing_condition=closing_condition,
        source=source,
    )
    _validate_profile(profile)
    profile.save()
    audit.record(
        actor=actor,
        action="deadline_profile.created",
        target=profile,
        after=audit.snapshot(profile, PROFILE_FIELDS),
    )
    return profile


@transaction.atomic
def update_profile(
    *,
    actor: Actor,
    profile_id: int,
    name: str | None = None,
    accept_hours: Decimal | float | int | None = None,
    handle_days: int | None = None,
    callback_days: int | None = None,
    urgent_accept_hours: Decimal | float | int | None = None,
    urgent_handle_days: int | None = None,
    handle_hours: Decimal | float | int | _Keep | None = KEEP,
    urgent_handle_hours: Decimal | float | int | _Keep | None = KEEP,
    filing_condition: str | None = None,
    closing_condition: str | None = None,
    source: str | None = None,
    active: bool | None = None,
) -> DeadlineProfile:
    """Change a profile's name, times, handling standard or active flag (the code is stable); None
    leaves a field as it is, except for the two hour limits, where None clears the limit (back to
    working days) and KEEP leaves it. Categories already using an inactive profile keep it; it just
    cannot be chosen again."""
    require(actor, "taxonomy.manage")
    profile = get_or_404(actor, DeadlineProfile.objects.select_for_update(), "taxonomy.manage", pk=profile_id)
    before = audit.snapshot(profile, PROFILE_FIELDS)
    changes = {
        "name": name,
        "accept_hours": accept_hours,
        "handle_days": handle_days,
        "callback_days": callback_days,
        "urgent_accept_hours": urgent_accept_hours,
        "urgent_handle_days": urgent_handle_days,
        "filing_condition": filing_condition,
        "closing_condition": closing_condition,
        "source": source,
        "active": active,
    }
    for key, value in changes.items():
        if value is not None:
            setattr(profile, key, value)
    if not isinstance(handle_hours, _Keep):
        profile.handle_hours = handle_hours  # type: ignore[assignment]
    if not isinstance(urgent_handle_hours, _Keep):
        profile.urgent_handle_hours = urgent_handle_hours  # type: ignore[assignment]
    _validate_profile(profile)
    profile.save()
    after = audit.snapshot(profile, PROFILE_FIELDS)
    if after != before:
        audit.record(
            actor=actor, action="deadline_profile.updated", target=profile, before=before, after=after
        )
    return profile
