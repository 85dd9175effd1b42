"""A small district (tests/geo's 0.1° square, 330114) with the 部件 classification and a few departments."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from zhiguan.components import registry
from zhiguan.components.models import Component
from zhiguan.geo.services import fill_location
from zhiguan.org.services import create_department
from zhiguan.registries.spec import RowContext
from zhiguan.taxonomy.standards import install_city_management

from ..geo.conftest import import_small_geography

# A point inside the small district (street S1, community C11) and the district's box.
LNG, LAT = 120.31, 30.31


@pytest.fixture
def world(system: Any, root_department: Any) -> SimpleNamespace:
    import_small_geography(system)
    install_city_management(actor=system)
    cgj = create_department(
        actor=system, code="CGJ", name="城市管理局", kind="bureau", parent_id=root_department.pk
    )
    sz = create_department(
        actor=system, code="CGJSZ", name="市政设施养护中心", kind="bureau", parent_id=cgj.pk
    )
    ld = create_department(actor=system, code="CGJLD", name="路灯管理所", kind="bureau", parent_id=cgj.pk)
    sw = create_department(
        actor=system, code="SWGS", name="钱塘水务有限公司", kind="external", parent_id=root_department.pk
    )
    return SimpleNamespace(actor=system, root=root_department, cgj=cgj, sz=sz, ld=ld, sw=sw)


def add_component(actor: Any, **row: Any) -> Component:
    """A component through the spec's own checks and preparation (as the registries API does)."""
    ctx = RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs="wgs84", line=0)
    row = {"state": None, "installed_on": None, **row}
    errors = registry.validate_row(row, ctx)
    assert errors == [], errors
    values = registry.prepare(row, ctx)
    lng, lat = values.pop("lng"), values.pop("lat")
    component = Component(jurisdiction_id=actor.jurisdiction.pk, **values)
    fill_location(component, jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat)
    component.save()
    return component
