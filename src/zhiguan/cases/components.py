"""A case about a city component (城市部件): which component, checked (docs/decisions/074).

`services.register` and `services.set_component` use these; nothing here writes a case. A
component is named by its id or its code; it must be in the case's jurisdiction and not retired;
a case that has a point must lie within `ZHIGUAN_COMPONENT_MAX_DISTANCE_M` of it (default 100 m),
and a case without one takes the component's point.
"""

from __future__ import annotations

import math
import os
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from zhiguan.components.models import Component
from zhiguan.errors import InvalidInput

DEFAULT_MAX_DISTANCE_M = 100.0
EARTH_RADIUS_M = 6_371_008.8


def max_distance_m() -> float:
    """How far a case's point may lie from the component it names (metres)."""
    value = getattr(settings, "ZHIGUAN_COMPONENT_MAX_DISTANCE_M", None)
    if value is None:
        value = os.environ.get("ZHIGUAN_COMPONENT_MAX_DISTANCE_M") or DEFAULT_MAX_DISTANCE_M
    return float(value)


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance between two WGS-84 points (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def resolve(jurisdiction_id: int, ref: Any, field: str = "component") -> Component:
    """The component named by `ref` (an id, or a code as text) in the jurisdiction, not retired.

    422 `unknown_component` when there is none, `component_retired` when it is retired.
    """
    qs = Component.objects.filter(jurisdiction_id=jurisdiction_id).select_related("category", "owner")
    found = None
    if isinstance(ref, int) and not isinstance(ref, bool):
        found = qs.filter(pk=ref).first()
    elif isinstance(ref, str) and ref.strip():
        text = ref.strip()
        found = qs.filter(code=text.upper()).first() or qs.filter(code=text).first()
        if found is None and text.isdigit():
            found = qs.filter(pk=int(text)).first()
    if found is None:
        raise InvalidInput(_("No such city component."), code="unknown_component", field=field)
    if found.retired_at is not None:
        raise InvalidInput(
            _("The city component %(code)s is retired.") % {"code": found.code},
            code="component_retired",
            field=field,
        )
    return found


def check_near(component: Component, lng: float, lat: float, field: str = "component") -> None:
    """The case's WGS-84 point lies within the allowed distance of the component, else 422
    `component_too_far` (with the distance and the limit)."""
    if component.lng is None or component.lat is None:
        return
    limit = max_distance_m()
    dist = distance_m(lng, lat, component.lng, component.lat)
    if dist > limit:
        raise InvalidInput(
            _("The case's place is %(distance)d m from the city component %(code)s (at most %(limit)d m).")
            % {"distance": round(dist), "code": component.code, "limit": round(limit)},
            code="component_too_far",
            field=field,
            distance_m=round(dist),
            max_distance_m=round(limit),
        )


def brief(component: Component | None) -> dict[str, Any] | None:
    """What a timeline event or an audit record says of a component."""
    if component is None:
        return None
    return {"id": component.pk, "code": component.code, "name": component.name}
