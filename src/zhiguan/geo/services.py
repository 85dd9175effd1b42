"""All writes to the geography (imports) and the rules for locating a point. Each write is audited."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import h3
import shapely
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.errors import InvalidInput, OutsideJurisdiction
from zhiguan.geo import lookup
from zhiguan.geo.crs import WGS84, check_crs, to_wgs84
from zhiguan.geo.importer import (
    Container,
    Draft,
    assign_parents,
    check_no_overlap,
    outside_error,
    parent_candidates,
    read_drafts,
)
from zhiguan.geo.models import Area, AreaLevel, Located
from zhiguan.geo.shapes import LocalProjection, area_m2
from zhiguan.org.permissions import Actor, require

AREA_AUDIT_FIELDS = [
    "name",
    "parent",
    "centroid_lng",
    "centroid_lat",
    "area_m2",
    "source_crs",
    "source",
    "active",
]


@dataclass(frozen=True)
class ImportResult:
    level: str
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated


def _district(jurisdiction_id: int) -> Area | None:
    return Area.objects.filter(jurisdiction_id=jurisdiction_id, level=AreaLevel.DISTRICT, active=True).first()


def _check_district_import(drafts: list[Draft], district: Area | None) -> None:
    if len(drafts) != 1:
        raise InvalidInput(_("A jurisdiction has exactly one district boundary."), code="one_district")
    if district is not None and district.code != drafts[0].code:
        raise InvalidInput(
            _("The jurisdiction already has the district boundary %(code)s; re-import it with that code.")
            % {"code": district.code},
            code="one_district",
            existing_code=district.code,
        )


def _check_containment(
    drafts: list[Draft], *, level: str, district: Area | None, proj: LocalProjection, jurisdiction_id: int
) -> None:
    """Every street/community/grid lies within the district and within its parent (with tolerance)."""
    if level == AreaLevel.DISTRICT:
        return
    if district is None:
        raise InvalidInput(
            _("Import the district boundary before its streets, communities and grids."),
            code="no_district_boundary",
        )
    district_box = Container(district, proj)
    parent_level, parents = parent_candidates(jurisdiction_id, level)
    assert parent_level is not None
    assign_parents(drafts, parents, by_code=any(d.parent_code is not None for d in drafts))
    containers: dict[int, Container] = {district.pk: district_box}
    for draft in drafts:
        metres = proj.to_metres(draft.geometry)
        if not district_box.holds(metres):
            raise outside_error(draft.code, draft.index, district)
        parent = draft.parent
        assert parent is not None
        box = containers.get(parent.pk) or containers.setdefault(parent.pk, Container(parent, proj))
        if not box.holds(metres):
            raise outside_error(draft.code, draft.index, parent)


def _check_children_still_inside(updated: list[Area], proj: LocalProjection) -> None:
    """A re-imported boundary must still hold what lies inside it (the district: everything)."""
    for area in updated:
        if area.level == AreaLevel.DISTRICT:
            inner = Area.objects.filter(jurisdiction_id=area.jurisdiction_id, active=True).exclude(pk=area.pk)
        else:
            inner = area.children.filter(active=True)
        box = Container(area, proj)
        for child in inner:
            if not box.holds(proj.to_metres(shapely.from_wkb(bytes(child.boundary)))):
                raise InvalidInput(
                    _("Area %(child)s would no longer lie inside %(code)s.")
                    % {"child": child.code, "code": area.code},
                    code="outside_jurisdiction",
                    feature_code=area.code,
                    child_code=child.code,
                )


def _apply(area: Area, draft: Draft, *, crs: str, source: str) -> None:
    centroid = draft.geometry.centroid
    area.name = draft.name
    area.parent = draft.parent
    area.boundary = shapely.to_wkb(draft.geometry)
    area.centroid_lng, area.centroid_lat = round(centroid.x, 7), round(centroid.y, 7)
    area.area_m2 = round(area_m2(draft.geometry), 1)
    area.source_crs = crs
    area.source = source[:255]
    area.active = True


@transaction.atomic
def import_geojson(
    *,
    actor: Actor,
    level: str,
    geojson: dict | str,
    crs: str,
    code_property: str = "code",
    name_property: str = "name",
    parent_code_property: str | None = None,
    source: str = "",
) -> ImportResult:
    """Import areas of one level from a GeoJSON FeatureCollection in `crs`; all or nothing.

    Guarantees: every boundary is stored in WGS-84 and is valid; areas of a level do not overlap;
    streets, communities and grids lie inside the district and inside their parent (given by
    `parent_code_property`, else the area of the level above they overlap most). An existing
    code is updated (audited with before/after); one audit record per import carries the
    counts. Any bad feature raises InvalidInput with a stable code and nothing is written.
    """
    require(actor, "geo.manage")
    if level not in AreaLevel.values:
        raise InvalidInput(
            _("Unknown area level."), code="unknown_level", level=level, allowed=list(AreaLevel.values)
        )
    check_crs(crs)
    jid = actor.jurisdiction.pk
    drafts = read_drafts(
        geojson,
        crs=crs,
        code_property=code_property,
        name_property=name_property,
        parent_code_property=parent_code_property,
    )
    district = _district(jid)
    if level == AreaLevel.DISTRICT:
        _check_district_import(drafts, district)
    proj = LocalProjection.around(
        shapely.from_wkb(bytes(district.boundary)) if district else drafts[0].geometry
    )
    same_level = Area.objects.filter(jurisdiction_id=jid, level=level).select_for_update()
    existing = {a.code: a for a in same_level}
    others = [a for code, a in existing.items() if code not in {d.code for d in drafts} and a.active]
    _check_containment(drafts, level=level, district=district, proj=proj, jurisdiction_id=jid)
    check_no_overlap(drafts, others, level=level, proj=proj)

    created, updated = 0, []
    for draft in drafts:
        area = existing.get(draft.code)
        if area is None:
            area = Area(jurisdiction_id=jid, level=level, code=draft.code)
            _apply(area, draft, crs=crs, source=source)
            area.save()
            created += 1
            continue
        before = audit.snapshot(area, AREA_AUDIT_FIELDS)
        _apply(area, draft, crs=crs, source=source)
        area.save()
        updated.append(area)
        audit.record(
            actor=actor,
            action="geo.area_updated",
            target=area,
            before=before,
            after=audit.snapshot(area, AREA_AUDIT_FIELDS),
        )
    _check_children_still_inside(updated, proj)
    lookup.bump_version(jid)
    result = ImportResult(level=level, created=created, updated=len(updated))
    audit.record(
        actor=actor,
        action="geo.import",
        after={**asdict(result), "crs": crs, "features": len(drafts), "source": source[:255]},
        note=f"{level}: {created} created, {len(updated)} updated",
    )
    return result


@dataclass(frozen=True)
class Location:
    """Where a point lies: its WGS-84 coordinates, its street, community and grid, its H3 cells."""

    lng: float
    lat: float
    street_id: int | None = None
    street_code: str | None = None
    street_name: str | None = None
    community_id: int | None = None
    community_code: str | None = None
    community_name: str | None = None
    grid_id: int | None = None
    grid_code: str | None = None
    grid_name: str | None = None
    h3: dict[str, str] = field(default_factory=dict)


def h3_cells(lng: float, lat: float) -> dict[str, str]:
    """The point's H3 cells at `settings.H3_RESOLUTIONS`, keyed like the `Located` fields (h3_r9…)."""
    return {f"h3_r{res}": h3.latlng_to_cell(lat, lng, res) for res in settings.H3_RESOLUTIONS}


def locate(*, jurisdiction_id: int, lng: float, lat: float, crs: str = WGS84) -> Location:
    """The street, community and grid of a point given in `crs`.

    Raises OutsideJurisdiction when the point is not inside the jurisdiction's district boundary
    (or the jurisdiction has none yet).
    """
    check_crs(crs)
    wlng, wlat = to_wgs84(float(lng), float(lat), crs)
    index = lookup.get_index(jurisdiction_id)
    point = shapely.Point(wlng, wlat)
    if not index.in_district(point):
        raise OutsideJurisdiction(lng=lng, lat=lat, crs=crs)
    found: dict[str, Any] = {}
    for level, ref in index.areas_at(point).items():
        if ref is not None:
            found.update({f"{level}_id": ref.id, f"{level}_code": ref.code, f"{level}_name": ref.name})
    return Location(lng=round(wlng, 7), lat=round(wlat, 7), h3=h3_cells(wlng, wlat), **found)


def locate_for(*, actor: Actor, lng: float, lat: float, crs: str = WGS84) -> Location:
    """`locate` in the actor's jurisdiction, for those who may see the geography."""
    require(actor, "geo.view")
    return locate(jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)


def fill_location(
    record: Located,
    *,
    jurisdiction_id: int,
    lng: float,
    lat: float,
    crs: str = WGS84,
    address: str | None = None,
) -> Location:
    """Set a `Located` record's point (WGS-84), areas and H3 cells from a point in `crs` (not saved).

    Raises OutsideJurisdiction like `locate`, leaving the record untouched.
    """
    where = locate(jurisdiction_id=jurisdiction_id, lng=lng, lat=lat, crs=crs)
    record.lng, record.lat = where.lng, where.lat
    record.street_id = where.street_id  # type: ignore[attr-defined]
    record.community_id = where.community_id  # type: ignore[attr-defined]
    record.grid_id = where.grid_id  # type: ignore[attr-defined]
    for name, cell in where.h3.items():
        setattr(record, name, cell)
    if address is not None:
        record.address = address
    return where
