"""Reads of city components: near a point (picking one on the map), by code, the 小类 for pickers.

Every read goes through `org.permissions.restrict` (jurisdiction and data scope, `Component.data_scope_q`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import h3
import numpy as np
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhiguan.components.codes import CATEGORY_PREFIX
from zhiguan.components.models import Component, ComponentState
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.geo.crs import WGS84, check_crs, haversine_m, to_wgs84
from zhiguan.org.permissions import Actor, restrict
from zhiguan.taxonomy.models import Category

VIEW = "registry.view"
MAX_RADIUS_M = 500
MAX_LIMIT = 100
# Mean hexagon edge (m) of the H3 resolutions `Located` keeps (h3.average_hexagon_edge_length).
_EDGE_M = {11: 24.9, 9: 174.4}


@dataclass(frozen=True)
class Nearby:
    component: Component
    distance_m: float


def _cells(lng: float, lat: float, radius_m: float) -> tuple[str, list[str]]:
    """The field and the H3 cells whose union covers the disk: r11 rings for small radii, r9 beyond."""
    res = 11 if radius_m <= 150 else 9
    # A k-ring reaches at least 1.5·edge·k from the centre cell's centre; one ring more for the
    # point's own offset inside its cell.
    k = math.ceil(radius_m / (1.5 * _EDGE_M[res])) + 1
    return f"h3_r{res}", list(h3.grid_disk(h3.latlng_to_cell(lat, lng, res), k))


def components(*, actor: Actor) -> QuerySet[Component]:
    """The active components the actor may see."""
    return restrict(actor, Component.objects.filter(retired_at__isnull=True), VIEW)


def nearby(
    *,
    actor: Actor,
    lng: float,
    lat: float,
    crs: str = WGS84,
    radius: float = 30,
    category: str | None = None,
    limit: int = 20,
) -> list[Nearby]:
    """Active components within `radius` metres of a point given in `crs`, nearest first.

    Candidates come from the H3 cells covering the disk (an indexed IN, never a table scan); the
    exact distance is computed on those only. `category` narrows to one 小类 ("0101", "DCM-P-0101")
    or all 小类 of a 大类 ("01", "DCM-P-01").
    """
    check_crs(crs)
    if not (0 < radius <= MAX_RADIUS_M):
        raise InvalidInput(
            _("The radius must be between 1 and %(max)s metres.") % {"max": MAX_RADIUS_M},
            code="bad_radius",
            field="radius",
        )
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise InvalidInput(_("These are not coordinates."), code="bad_coordinates", field="lng")
    wlng, wlat = (float(v) for v in to_wgs84(float(lng), float(lat), crs))
    field, cells = _cells(wlng, wlat, radius)
    qs = components(actor=actor).filter(**{f"{field}__in": cells})
    if category:
        code = category.strip()
        code = code if code.startswith(CATEGORY_PREFIX) else CATEGORY_PREFIX + code
        qs = qs.filter(category__code__startswith=code)
    rows = list(qs.values_list("pk", "lng", "lat"))
    if not rows:
        return []
    ids = np.array([r[0] for r in rows])
    d = haversine_m(wlng, wlat, np.array([r[1] for r in rows], float), np.array([r[2] for r in rows], float))
    keep = np.flatnonzero(d <= radius)
    keep = keep[np.argsort(d[keep], kind="stable")][: max(1, min(limit, MAX_LIMIT))]
    found = Component.objects.select_related("category", "owner", "maintainer").in_bulk(ids[keep].tolist())
    return [Nearby(found[int(ids[i])], round(float(d[i]), 1)) for i in keep]


def by_code(*, actor: Actor, code: str) -> Component:
    """The component with this code the actor may see (retired ones included), or NotFound."""
    found = (
        restrict(actor, Component.objects.all(), VIEW)
        .select_related("category", "owner", "maintainer")
        .filter(code=code.strip())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def component_types(*, actor: Actor) -> list[dict[str, Any]]:
    """The 部件 小类 installed in the jurisdiction (not retired), by code, with their 大类."""
    cats = restrict(
        actor,
        Category.objects.filter(code__startswith=CATEGORY_PREFIX, level=3, retired_at__isnull=True),
        VIEW,
    ).select_related("parent")
    return [
        {
            "id": c.pk,
            "code": c.code.removeprefix(CATEGORY_PREFIX),
            "category_code": c.code,
            "name": c.name,
            "major_code": c.parent.code.removeprefix(CATEGORY_PREFIX) if c.parent else "",
            "major_name": c.parent.name if c.parent else "",
        }
        for c in cats.order_by("code")
    ]


STATE_LABELS = {s.value: s.label for s in ComponentState}


def as_out(c: Component) -> dict[str, Any]:
    """A component as `schemas.ComponentOut` (category, owner and maintainer selected)."""
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "category_id": c.category_id,
        "category_code": c.category.code.removeprefix(CATEGORY_PREFIX),
        "category_name": c.category.name,
        "state": c.state,
        "state_label": str(STATE_LABELS.get(c.state, c.state)),
        "owner_id": c.owner_id,
        "owner_name": c.owner.name,
        "maintainer_id": c.maintainer_id,
        "maintainer_name": c.maintainer.name if c.maintainer is not None else c.maintainer_name,
        "lng": c.lng,
        "lat": c.lat,
        "address": c.address,
        "installed_on": c.installed_on,
        "retired": c.retired_at is not None,
    }
