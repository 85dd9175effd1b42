"""Grid duty (网格责任): which inspector is responsible for which grid. Reads and the one write.

Read with `geo.view` (every member of staff sees who patrols a grid: a dispatcher needs it to
reassign, an inspector to know their own grids); set with `person.manage`. Each change is audited
and keeps history: the current row is ended (`until`), a new one started.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput
from zhiguan.org.models import GridDuty, User
from zhiguan.org.permissions import Actor, require, restrict

INSPECTOR_ROLE = "inspector"


@dataclass(frozen=True)
class OnDuty:
    """The inspector on duty for a grid, with the names a timeline entry shows."""

    person: User
    grid_id: int
    grid_label: str  # "下沙街道 第3网格": the street and the grid, as an inspector says it


def current_duties(
    *, actor: Actor, street_id: int | None = None, person_id: int | None = None
) -> QuerySet[GridDuty]:
    """The current duties of the jurisdiction (optionally of one street's grids or one person)."""
    require(actor, "geo.view")
    qs = GridDuty.objects.filter(jurisdiction_id=actor.jurisdiction.pk, until__isnull=True)
    if street_id is not None:
        qs = qs.filter(area__parent__parent_id=street_id)
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    return qs.select_related("area", "area__parent", "area__parent__parent", "person").order_by("area__code")


def grid_label(area: object) -> str:
    """The grid named with its street ("下沙街道 第3网格"); a grid without a street by its own name."""
    community = getattr(area, "parent", None)
    street = getattr(community, "parent", None)
    name = str(getattr(area, "name", ""))
    return f"{street.name} {name}" if street is not None else name


def on_duty(*, jurisdiction_id: int, grid_id: int | None) -> OnDuty | None:
    """The active inspector on duty for this grid now, or None (no grid, nobody, or not an inspector)."""
    if grid_id is None:
        return None
    duty = (
        GridDuty.objects.filter(
            jurisdiction_id=jurisdiction_id,
            area_id=grid_id,
            until__isnull=True,
            person__is_active=True,
            person__roles__code=INSPECTOR_ROLE,
        )
        .select_related("person", "area", "area__parent", "area__parent__parent")
        .first()
    )
    if duty is None:
        return None
    return OnDuty(person=duty.person, grid_id=grid_id, grid_label=grid_label(duty.area))


def set_grid_duty(*, actor: Actor, grid_id: int, person_id: int | None) -> GridDuty | None:
    """Make `person_id` the inspector on duty for the grid (None: nobody); returns the new duty.

    Guarantees: the grid is an active grid of the actor's jurisdiction and the person an active
    inspector of it (else 422, nothing changed); the previous duty is ended, not deleted; setting
    the same person again changes nothing; the change is audited.
    """
    from zhiguan.geo.models import Area, AreaLevel

    require(actor, "person.manage")
    grid = Area.objects.filter(
        pk=grid_id, jurisdiction_id=actor.jurisdiction.pk, level=AreaLevel.GRID, active=True
    ).first()
    if grid is None:
        raise InvalidInput(
            _("Choose an active grid of this jurisdiction."), code="unknown_grid", field="grid_id"
        )
    person = None
    if person_id is not None:
        person = (
            restrict(actor, User.objects.all(), "person.view")
            .filter(pk=person_id, is_active=True, roles__code=INSPECTOR_ROLE)
            .first()
        )
        if person is None:
            raise InvalidInput(
                _("Choose an active inspector of this jurisdiction."),
                code="not_an_inspector",
                field="person_id",
            )
    now = timezone.now()
    with transaction.atomic():
        current = GridDuty.objects.select_for_update().filter(area=grid, until__isnull=True).first()
        if (current.person_id if current else None) == person_id:
            return current
        if current is not None:
            current.until = now
            current.save(update_fields=["until"])
        duty = None
        if person is not None:
            duty = GridDuty.objects.create(
                jurisdiction=actor.jurisdiction, area=grid, person=person, since=now, set_by=actor.user
            )
        audit.record(
            actor=actor,
            action="grid_duty.set",
            target=grid,
            before={"person_id": current.person_id if current else None},
            after={"person_id": person_id},
        )
    return duty
