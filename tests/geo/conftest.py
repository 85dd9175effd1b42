"""A small, hand-checkable geography: a 0.1° square district, two streets, three communities, grids.

District 120.30–120.40 E, 30.25–30.35 N (WGS-84). Street S1 is the west half, S2 the east half.
S1 splits into C11 (north) and C12 (south); S2 is one community C21. Each community has grids
of 0.025° × 0.05°.
"""

from __future__ import annotations

from typing import Any

import pytest

from zhiguan.geo.services import import_geojson


def rect(x0: float, y0: float, x1: float, y1: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(code: str, name: str, geometry: dict, **props: Any) -> dict:
    return {"type": "Feature", "properties": {"code": code, "name": name, **props}, "geometry": geometry}


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


DISTRICT = collection(feature("330114", "钱塘区", rect(120.30, 30.25, 120.40, 30.35)))
STREETS = collection(
    feature("S1", "西街道", rect(120.30, 30.25, 120.35, 30.35)),
    feature("S2", "东街道", rect(120.35, 30.25, 120.40, 30.35)),
)
COMMUNITIES = collection(
    feature("C11", "北社区", rect(120.30, 30.30, 120.35, 30.35)),
    feature("C12", "南社区", rect(120.30, 30.25, 120.35, 30.30)),
    feature("C21", "东社区", rect(120.35, 30.25, 120.40, 30.35)),
)
GRIDS = collection(
    feature("G111", "北一网格", rect(120.30, 30.30, 120.325, 30.35)),
    feature("G112", "北二网格", rect(120.325, 30.30, 120.35, 30.35)),
    feature("G121", "南一网格", rect(120.30, 30.25, 120.35, 30.30)),
    feature("G211", "东一网格", rect(120.35, 30.25, 120.40, 30.30)),
    feature("G212", "东二网格", rect(120.35, 30.30, 120.40, 30.35)),
)
LEVELS = (("district", DISTRICT), ("street", STREETS), ("community", COMMUNITIES), ("grid", GRIDS))


def import_small_geography(actor: Any) -> None:
    for level, fc in LEVELS:
        import_geojson(actor=actor, level=level, geojson=fc, crs="wgs84")


@pytest.fixture
def small_geo(system: Any) -> Any:
    """The small geography imported into `jurisdiction` through the real service."""
    import_small_geography(system)
    return system
