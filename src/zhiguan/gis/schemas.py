"""Schemas of the geography endpoints (/api/v1/gis/...)."""

from __future__ import annotations

from ninja import Schema

# ============================================================================================
# Base map (H4)
# ============================================================================================


class BasemapLayerOut(Schema):
    key: str
    min_zoom: int


class TileFileOut(Schema):
    format: str
    tile_type: str
    raster: bool
    min_zoom: int
    max_zoom: int
    attribution: str
    name: str
    bounds: list[float] | None
    url: str


class BasemapManifestOut(Schema):
    layers: list[BasemapLayerOut]
    road_min_zoom: dict[str, int]
    bbox: list[float] | None
    tile_file: TileFileOut | None
    tile_url: str
    # "file" (the surveying department's raster tiles) > "url" (an intranet tile service) > "vector"
    background: str


# ============================================================================================
# Geocoding (H5)
# ============================================================================================


class GeocodeMatchOut(Schema):
    address: str
    code: str
    kind: str  # address | poi | intersection | road
    lng: float
    lat: float
    precision: str  # room | building | door | poi | intersection | road
    score: float


class _AreasOut(Schema):
    street_id: int | None
    street_code: str | None
    street_name: str | None
    community_id: int | None
    community_code: str | None
    community_name: str | None
    grid_id: int | None
    grid_code: str | None
    grid_name: str | None


class GeocodeOut(_AreasOut):
    matched: GeocodeMatchOut
    score: float
    candidates: list[GeocodeMatchOut]


class ReverseGeocodeOut(_AreasOut):
    address: str
    code: str
    level: str
    lng: float
    lat: float
    distance_m: float
    estate_code: str | None
    estate_name: str | None
