"""The demo inspectors' grids: each demo inspector is on duty for every grid of their own street.

So that a demo case fed back in 下沙街道 goes to 许刚 for verification without a dispatcher
(`cases.services`, docs/decisions/064-field-inspection-and-closing.md), and the field screen of the
demo inspector shows real work. Written through `org.duty.set_grid_duty` (history and audit).
"""

from __future__ import annotations

from zhiguan.geo.models import Area, AreaLevel
from zhiguan.org.duty import INSPECTOR_ROLE, set_grid_duty
from zhiguan.org.models import DepartmentKind, User
from zhiguan.org.permissions import Actor


def build_demo_grid_duties(*, actor: Actor) -> int:
    """Put each inspector of a street office on duty for the grids of that street; returns how many."""
    inspectors = User.objects.filter(
        jurisdiction_id=actor.jurisdiction.pk,
        roles__code=INSPECTOR_ROLE,
        is_active=True,
        department__kind=DepartmentKind.STREET,
    ).select_related("department")
    count = 0
    for person in inspectors.order_by("username"):
        assert person.department is not None
        grids = Area.objects.filter(
            jurisdiction_id=actor.jurisdiction.pk,
            level=AreaLevel.GRID,
            active=True,
            parent__parent__code=person.department.code,
        ).order_by("code")
        for grid in grids:
            set_grid_duty(actor=actor, grid_id=grid.pk, person_id=person.pk)
            count += 1
    return count
