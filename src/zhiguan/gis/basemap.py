"""The district's own base map as GeoJSON layers: what is drawn at which zoom, and how finely.

Pure functions over shapely geometries (no database): `zhiguan.gis.queries` reads the records in a
map view and hands them here. Decision 069: the console asks per view for a box snapped outward to
the web-mercator tile grid one zoom coarser than it shows, so that a small pan is answered from the
console's own cache and every visitor of one part of the map asks for the same box (one cached
document per box on the server); names are placed by the server (a point with an angle along each
road) and decluttered by the console.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry
import shapely.ops

# The layers, in drawing order (bottom first), with the zoom from which each is drawn at all.
LAYER_MIN_ZOOM: dict[str, int] = {"water": 0, "roads": 0, "buildings": 15, "labels": 0}
LAYERS = tuple(LAYER_MIN_ZOOM)
MIN_ZOOM = 0
MAX_ZOOM = 20

# From which zoom each road class is drawn: a district at zoom 13 shows its arterial and secondary
# roads, a street at 14 its branch roads, an estate at 16 its lanes; below 11 (a whole city on a
# small map) only expressways, else the district is a mesh of lines.
ROAD_MIN_ZOOM: dict[str, int] = {"expressway": 0, "arterial": 11, "secondary": 12, "branch": 14, "alley": 16}
# From which zoom a road's name is written along it.
ROAD_LABEL_MIN_ZOOM: dict[str, int] = {
    "expressway": 12,
    "arterial": 12,
    "secondary": 14,
    "branch": 15,
    "alley": 17,
}
# From which zoom a point of interest's name is written (estates and stations are what people name).
POI_LABEL_MIN_ZOOM: dict[str, int] = {
    "station": 13,
    "estate": 15,
    "park": 14,
    "school": 15,
    "hospital": 15,
    "government": 15,
    "market": 16,
    "other": 16,
}
AREA_LABEL_MIN_ZOOM: dict[str, int] = {"street": 0, "community": 12}
# Which name wins where two would overlap: larger first (the console declutters in this order).
LABEL_RANK: dict[str, int] = {
    "street": 100,
    "community": 90,
    "road:expressway": 80,
    "road:arterial": 80,
    "station": 75,
    "road:secondary": 70,
    "estate": 65,
    "park": 60,
    "school": 55,
    "hospital": 55,
    "government": 55,
    "road:branch": 50,
    "market": 45,
    "road:alley": 40,
    "other": 35,
}
# A road's name is repeated about this many screen pixels apart along it (the console hides the
# ones that would touch another name), and not written on a piece shorter than the name needs.
ROAD_LABEL_SPACING_PX = 480
ROAD_LABEL_MIN_LENGTH_PX = 90
# Geometry is simplified to half a screen pixel; a water polygon smaller than this many square
# pixels is not drawn at all.
SIMPLIFY_PX = 0.5
MIN_WATER_AREA_PX2 = 6.0
# A request whose box, after snapping and clipping to the district, spans more tiles than this is
# refused: the console never asks for it, and it would be one huge document.
MAX_TILES = 64


def degrees_per_pixel(zoom: int) -> float:
    """Degrees of longitude one screen pixel (of 256-px tiles) covers at `zoom` (of latitude a
    little less: cos(latitude) times this, 0.86 at 钱塘's 30°N)."""
    return 360.0 / (256 * 2**zoom)


def decimals_for(zoom: int) -> int:
    """Decimal places that still resolve a tenth of a pixel at `zoom` (5 at 13, 6 at 16 …)."""
    return min(7, max(3, math.ceil(math.log10(1 / degrees_per_pixel(zoom))) + 1))


def tolerance_for(zoom: int) -> float:
    return degrees_per_pixel(zoom) * SIMPLIFY_PX


def road_classes_at(zoom: int) -> list[str]:
    return [c for c, z in ROAD_MIN_ZOOM.items() if zoom >= z]


def layer_shown(layer: str, zoom: int) -> bool:
    return zoom >= LAYER_MIN_ZOOM[layer]


# --- the tile grid ---------------------------------------------------------------------------
MAX_LAT = 85.0511287798


def tile_of(lng: float, lat: float, zoom: int) -> tuple[int, int]:
    n = 2**zoom
    lat = max(min(lat, MAX_LAT), -MAX_LAT)
    x = int((lng + 180.0) / 360.0 * n)
    rad = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(rad)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """(min_lng, min_lat, max_lng, max_lat) of XYZ tile x/y at `zoom`."""
    n = 2**zoom

    def lat(yy: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * yy / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def snap_zoom(zoom: int) -> int:
    """The tile grid a request box is snapped to: one zoom coarser than the map shows."""
    return max(zoom - 1, 0)


Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class SnappedBox:
    bbox: Bbox
    tiles: int  # how many tiles of the snap grid it spans


def snap_bbox(bbox: Bbox, zoom: int, *, clip: Bbox | None = None) -> SnappedBox:
    """`bbox` clipped to `clip` (the district) and grown outward to whole tiles of `snap_zoom(zoom)`.

    The same view asks for the same box, so the console's cache and the server's hit."""
    min_lng, min_lat, max_lng, max_lat = bbox
    if clip is not None:
        min_lng, min_lat = max(min_lng, clip[0]), max(min_lat, clip[1])
        max_lng, max_lat = min(max_lng, clip[2]), min(max_lat, clip[3])
        if min_lng > max_lng or min_lat > max_lat:  # the view lies outside the district
            min_lng, min_lat, max_lng, max_lat = bbox
    sz = snap_zoom(zoom)
    x0, y0 = tile_of(min_lng, max_lat, sz)
    x1, y1 = tile_of(max_lng, min_lat, sz)
    west, _, _, north = tile_bounds(x0, y0, sz)
    _, south, east, _ = tile_bounds(x1, y1, sz)
    return SnappedBox(
        bbox=(round(west, 7), round(south, 7), round(east, 7), round(north, 7)),
        tiles=(x1 - x0 + 1) * (y1 - y0 + 1),
    )


# --- features --------------------------------------------------------------------------------
def shown(geometry: shapely.Geometry, zoom: int) -> shapely.Geometry:
    """`geometry` simplified to half a pixel at `zoom` and rounded to what the zoom resolves."""
    simple = shapely.simplify(geometry, tolerance_for(zoom), preserve_topology=True)
    return shapely.set_precision(simple, 10.0 ** -decimals_for(zoom))


def feature(geometry: shapely.Geometry, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": shapely.geometry.mapping(geometry)}


def collection(layer: str, zoom: int, bbox: Bbox, features: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "layer": layer,
        "zoom": zoom,
        "bbox": list(bbox),
        "features": features,
    }


def big_enough(geometry: shapely.Geometry, zoom: int) -> bool:
    """A polygon worth drawing at `zoom` (a line always is)."""
    if shapely.get_type_id(geometry) not in (3, 6):  # Polygon, MultiPolygon
        return True
    px = degrees_per_pixel(zoom)
    return bool(shapely.area(geometry) >= MIN_WATER_AREA_PX2 * px * px)


def _angle(line: shapely.LineString, at: float) -> float:
    """The direction of `line` at distance `at`, in screen degrees (-90..90, text never upside down)."""
    a = line.interpolate(max(at - line.length * 0.02, 0))
    b = line.interpolate(min(at + line.length * 0.02, line.length))
    dx = (b.x - a.x) * math.cos(math.radians(a.y))
    dy = -(b.y - a.y)  # screen y grows downward
    deg = math.degrees(math.atan2(dy, dx))
    if deg > 90:
        deg -= 180
    elif deg < -90:
        deg += 180
    return round(deg, 1)


def road_label_points(
    lines: Sequence[shapely.Geometry], zoom: int, bbox: Bbox
) -> list[tuple[shapely.Point, float]]:
    """Points (with the road's angle there) to write one road's name at: its pieces inside `bbox`
    merged, then every ROAD_LABEL_SPACING_PX along each piece long enough to carry the name."""
    merged = shapely.line_merge(shapely.union_all(list(lines)))
    inside = shapely.intersection(merged, shapely.box(*bbox))
    px = degrees_per_pixel(zoom)
    spacing = ROAD_LABEL_SPACING_PX * px
    out: list[tuple[shapely.Point, float]] = []
    for piece in getattr(inside, "geoms", [inside]):
        if shapely.get_type_id(piece) != 1 or piece.length < ROAD_LABEL_MIN_LENGTH_PX * px:
            continue
        count = max(1, int(piece.length // spacing))
        step = piece.length / count
        for i in range(count):
            at = step * (i + 0.5)
            out.append((piece.interpolate(at), _angle(piece, at)))
    return out


def label(point: shapely.Point, text: str, kind: str, zoom: int, angle: float = 0.0) -> dict[str, Any]:
    d = decimals_for(zoom)
    props: dict[str, Any] = {"text": text, "kind": kind, "rank": LABEL_RANK.get(kind, 30)}
    if angle:
        props["angle"] = angle
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [round(point.x, d), round(point.y, d)]},
    }


def road_labels(
    roads: Iterable[tuple[str, str, shapely.Geometry]], zoom: int, bbox: Bbox
) -> list[dict[str, Any]]:
    """Name labels for (name, road_class, geometry) rows: a road of one name drawn as one line."""
    by_name: dict[tuple[str, str], list[shapely.Geometry]] = {}
    for name, road_class, geometry in roads:
        if name and zoom >= ROAD_LABEL_MIN_ZOOM.get(road_class, 99):
            by_name.setdefault((name, road_class), []).append(geometry)
    out = []
    for (name, road_class), lines in sorted(by_name.items()):
        for point, angle in road_label_points(lines, zoom, bbox):
            out.append(label(point, name, f"road:{road_class}", zoom, angle))
    return out
