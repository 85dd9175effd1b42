"""Deadline profiles: how fast a kind of case is accepted, handled and called back."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

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
    "active",
]
# Beyond these a profile is a typing mistake, not a policy (a year to handle a complaint).
MAX_DAYS = 365
MAX_ACCEPT_HOURS = Decimal(240)


def _hours(value: Any, field: str) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(_("Enter a number of hours."), code="invalid_profile", field=field) from exc
    if (
        not hours.is_finite()
        or hours < 0
        or hours > MAX_ACCEPT_HOURS
        or hours != hours.quantize(Decimal("0.01"))
    ):
        raise InvalidInput(
            _("Hours must be between 0 and %(max)s, in steps of at most 0.01.") % {"max": MAX_ACCEPT_HOURS},
            code="invalid_profile",
            field=field,
        )
    return hours.quantize(Decimal("0.01"))


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
    if p.urgent_accept_hours > p.accept_hours or p.urgent_handle_days > p.handle_days:
        raise InvalidInput(
            _("An urgent case cannot get more time than a normal one."),
            code="invalid_profile",
            field="urgent_accept_hours" if p.urgent_accept_hours > p.accept_hours else "urgent_handle_days",
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
) -> DeadlineProfile:
    """Create a deadline profile. Urgent values default to the normal ones and may not exceed them."""
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
    active: bool | None = None,
) -> DeadlineProfile:
    """Change a profile's name, times or active flag (the code is stable); None leaves a field as
    it is. Categories already using an inactive profile keep it; it just cannot be chosen again."""
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
        "active": active,
    }
    for key, value in changes.items():
        if value is not None:
            setattr(profile, key, value)
    _validate_profile(profile)
    profile.save()
    after = audit.snapshot(profile, PROFILE_FIELDS)
    if after != before:
        audit.record(
            actor=actor, action="deadline_profile.updated", target=profile, before=before, after=after
        )
    return profile
