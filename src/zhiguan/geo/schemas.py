from typing import Annotated, Any

from ninja import Field, Schema

from zhiguan.geo.crs import WGS84
from zhiguan.schemas import Code, InputSchema

# A FeatureCollection sent as text; the request body limit (DATA_UPLOAD_MAX_MEMORY_SIZE) comes first.
GEOJSON_MAX_CHARS = 64 * 1024 * 1024


class GeoImportIn(InputSchema):
    level: Code
    crs: Code = WGS84
    geojson: dict[str, Any] | Annotated[str, Field(max_length=GEOJSON_MAX_CHARS)]
    code_property: str = Field("code", min_length=1, max_length=64)
    name_property: str = Field("name", min_length=1, max_length=64)
    parent_code_property: str | None = Field(None, min_length=1, max_length=64)
    source: str = Field("", max_length=255)


class GeoImportOut(Schema):
    level: str
    created: int
    updated: int
    total: int


class AreaOut(Schema):
    id: int
    level: str
    code: str
    name: str
    parent_id: int | None
    centroid_lng: float
    centroid_lat: float
    area_m2: float
    source_crs: str
    source: str
    active: bool


class LocationOut(Schema):
    lng: float
    lat: float
    street_id: int | None
    street_code: str | None
    street_name: str | None
    community_id: int | None
    community_code: str | None
    community_name: str | None
    grid_id: int | None
    grid_code: str | None
    grid_name: str | None
    h3: dict[str, str]


class NamedAreaOut(Schema):
    id: int
    level: str
    code: str
    name: str
    # The words of the address that named it ("下沙" for 下沙街道).
    matched: str


class AddressCheckOut(Schema):
    agrees: bool
    named: list[NamedAreaOut]
    located: LocationOut
    # Empty when they agree; else what the operator is asked to check, in their language.
    message: str
