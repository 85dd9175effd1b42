"""Reports already made near a point, for the citizen's map, and "我也遇到了这个问题" (me too).

What is public of a report (docs/decisions/066-citizen-portal.md): its category (level 1/2 only),
its public status, the day it was made, a point snapped to the centre of its H3 cell at resolution
10 (~75 m edge) and how many others said "me too". Never the description, the address, the
reporter, the number or the department's notes. Only complaints, requests for help and
suggestions are shown: reports (举报, the informant is protected), consultations and praise are
personal; so are categories a district lists in ZHIGUAN_PUBLIC_HIDDEN_CATEGORIES. Rejected and
merged reports are not shown; closed ones for ZHIGUAN_PUBLIC_NEARBY_CLOSED_DAYS days.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import timedelta
from typing import Any

import h3
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.cases import services
from zhiguan.cases.models import Case, CaseEvent, RequestType
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.geo.crs import haversine_m, to_wgs84
from zhiguan.intake.portal import jurisdiction_by_code, portal_actor
from zhiguan.intake.publicstatus import public_status
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

PUBLIC_REQUEST_TYPES = (RequestType.COMPLAINT, RequestType.HELP, RequestType.SUGGESTION)
MAX_RADIUS_M = 2000
MAX_RESULTS = 50
APPROXIMATE_RESOLUTION = 10
# H3 resolution 9 (indexed on every case): neighbouring cell centres are ~350 m apart, so a disk of
# k rings reaches at least k × 300 m from the centre cell.
_SEARCH_RESOLUTION = 9
_RING_M = 300
ME_TOO = "me_too"


def _hidden_category_ids(jurisdiction: Jurisdiction) -> set[int]:
    codes = settings.ZHIGUAN_PUBLIC_HIDDEN_CATEGORIES
    if not codes:
        return set()
    rows = Category.objects.filter(jurisdiction=jurisdiction).values_list("pk", "parent_id", "code")
    parent = {pk: parent_id for pk, parent_id, _code in rows}
    hidden = {pk for pk, _parent, code in rows if code in codes}
    out = set()
    for pk in parent:
        node: int | None = pk
        while node is not None:  # three levels at most
            if node in hidden:
                out.add(pk)
                break
            node = parent.get(node)
    return out


def public_cases(jurisdiction: Jurisdiction) -> QuerySet[Case]:
    """The cases of a district the public may see on the map (the rule in the module docstring)."""
    closed_since = timezone.now() - timedelta(days=settings.ZHIGUAN_PUBLIC_NEARBY_CLOSED_DAYS)
    qs = Case.objects.filter(
        jurisdiction=jurisdiction, request_type__in=PUBLIC_REQUEST_TYPES, lat__isnull=False
    ).filter(
        Q(status__in=OPEN_STATUSES)
        | Q(status__in=(Status.CLOSED, Status.CALLBACK_DONE), closed_at__gte=closed_since)
    )
    hidden = _hidden_category_ids(jurisdiction)
    return qs.exclude(category_id__in=hidden) if hidden else qs


def _public_category(category: Category) -> tuple[int, int | None, str]:
    """(level-1 id, level-2 id or None, the name shown): a level-3 name is a management detail."""
    chain = [category]
    while chain[-1].parent is not None and len(chain) < 3:
        chain.append(chain[-1].parent)
    by_level = {c.level: c for c in chain}
    level1 = by_level.get(1, chain[-1])
    level2 = by_level.get(2)
    return level1.pk, level2.pk if level2 else None, (level2 or level1).name


def approximate_point(lng: float, lat: float) -> tuple[float, float]:
    """The centre of the point's H3 cell at resolution 10: near enough to recognise the place,
    not a doorstep."""
    a_lat, a_lng = h3.cell_to_latlng(h3.latlng_to_cell(lat, lng, APPROXIMATE_RESOLUTION))
    return round(a_lng, 6), round(a_lat, 6)


def _check_point(lng: float, lat: float, crs: str) -> tuple[float, float]:
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise InvalidInput(_("The point is not on the map."), code="invalid_point", field="lng")
    w_lng, w_lat = to_wgs84(lng, lat, crs)
    return float(w_lng), float(w_lat)


def nearby(
    *, jurisdiction_code: str, lng: float, lat: float, crs: str = "wgs84", radius: int | None = None
) -> list[dict[str, Any]]:
    """Public reports within `radius` metres (default ZHIGUAN_PUBLIC_NEARBY_METRES, at most 2 km)
    of the point, nearest first, at most 50. Distances are measured to the approximate points,
    so repeated queries cannot triangulate a doorstep."""
    jurisdiction = jurisdiction_by_code(jurisdiction_code)
    radius = settings.ZHIGUAN_PUBLIC_NEARBY_METRES if radius is None else radius
    if not 1 <= radius <= MAX_RADIUS_M:
        raise InvalidInput(
            _("The radius must be between 1 and %(max)d metres.") % {"max": MAX_RADIUS_M},
            code="invalid_radius",
            field="radius",
        )
    lng, lat = _check_point(lng, lat, crs)
    centre = h3.latlng_to_cell(lat, lng, _SEARCH_RESOLUTION)
    cells = list(h3.grid_disk(centre, math.ceil(radius / _RING_M) + 1))
    rows = list(
        public_cases(jurisdiction)
        .filter(h3_r9__in=cells)
        .select_related("category__parent__parent")
        .only("id", "status", "created_at", "lng", "lat", "category")
        .order_by("-created_at")[:2000]
    )
    found = []
    for case in rows:
        a_lng, a_lat = approximate_point(case.lng or 0.0, case.lat or 0.0)
        distance = float(haversine_m(lng, lat, a_lng, a_lat))
        if distance <= radius:
            found.append((distance, case, a_lng, a_lat))
    found.sort(key=lambda f: (f[0], -f[1].pk))
    found = found[:MAX_RESULTS]
    counts = _me_too_counts([f[1].pk for f in found])
    out = []
    for distance, case, a_lng, a_lat in found:
        category1, category2, name = _public_category(case.category)
        out.append(
            {
                "id": case.pk,
                "category1_id": category1,
                "category2_id": category2,
                "category_name": name,
                "status": public_status(case.status),
                "open": case.status in OPEN_STATUSES,
                "reported_on": timezone.localdate(case.created_at),
                "lng": a_lng,
                "lat": a_lat,
                "distance_m": int(round(distance, -1)),
                "me_too_count": counts.get(case.pk, 0),
            }
        )
    return out


def _me_too_counts(case_ids: list[int]) -> dict[int, int]:
    if not case_ids:
        return {}
    rows = (
        CaseEvent.objects.filter(case_id__in=case_ids, action=ME_TOO)
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    return dict(rows)


def me_too_count(case_id: int) -> int:
    return CaseEvent.objects.filter(case_id=case_id, action=ME_TOO).count()


def _fingerprint(kind: str, value: str) -> str:
    # Keyed, so the timeline holds no phone number and the value cannot be looked up in a table.
    mac = hmac.new(settings.SECRET_KEY.encode(), f"me-too:{kind}:{value}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


class NotOpen(Conflict):
    code = "not_open"


def me_too(*, jurisdiction_code: str, case_id: int, device: str, phone: str = "") -> dict[str, Any]:
    """Record that one more citizen meets the problem of a public, open report (an annotation on
    its timeline, `case.me_too_added` in the audit log); returns {"created", "me_too_count"}.

    One per device and one per phone per case: a second "me too" from either changes nothing and
    answers created False. 404 for a report not on the public map, 409 `not_open` once it is
    closed. The phone, when given, is stored only as a keyed fingerprint.
    """
    jurisdiction = jurisdiction_by_code(jurisdiction_code)
    case = public_cases(jurisdiction).filter(pk=case_id).only("id", "status").first()
    if case is None:
        raise NotFound()
    if case.status not in OPEN_STATUSES:
        raise NotOpen(_("This report is already closed."))
    digits = "".join(ch for ch in phone if ch.isdigit())
    marks = {"device": _fingerprint("device", device)}
    if digits:
        marks["phone"] = _fingerprint("phone", digits)
    seen = Q()
    for key, value in marks.items():
        seen |= Q(**{f"payload__{key}": value})
    # Two taps arriving together: the shared cache lets one through, the timeline keeps it after.
    gates = [f"zhiguan:me-too:{case.pk}:{value}" for value in marks.values()]
    if not all(cache.add(gate, 1, 30) for gate in gates) or (
        CaseEvent.objects.filter(case_id=case.pk, action=ME_TOO).filter(seen).exists()
    ):
        return {"created": False, "me_too_count": me_too_count(case.pk)}
    try:
        with transaction.atomic():
            services.annotate(actor=portal_actor(jurisdiction), case_id=case.pk, action=ME_TOO, payload=marks)
    except BaseException:
        cache.delete_many(gates)
        raise
    return {"created": True, "me_too_count": me_too_count(case.pk)}
