"""The five registries of the geography database (decision 068): 标准地址, 道路, 建筑, 水系, 兴趣点.

Each is a `RegistrySpec`: Chinese columns for templates, imports and exports, the registry's own
rules after the generic checks, and how a cleaned row becomes model fields. Codes are the natural
key; names of estates, roads and buildings are linked to their records within the jurisdiction.
"""

from __future__ import annotations

import re
from typing import Any

import shapely
from django.utils.translation import gettext as _

from zhiguan.geo import lookup
from zhiguan.geo.crs import haversine_m
from zhiguan.gis.models import (
    AddressLevel,
    Building,
    BuildingUse,
    Poi,
    PoiKind,
    Road,
    RoadClass,
    StandardAddress,
    Water,
    WaterKind,
)
from zhiguan.registries.cleaning import ACCEPTED_TYPES, LINE_TYPES, POLYGON_TYPES
from zhiguan.registries.spec import (
    CHOICE,
    GEOMETRY,
    INT,
    LAT,
    LNG,
    REF,
    TEXT,
    Column,
    RegistrySpec,
    RowContext,
    RowError,
    register_spec,
)

ROAD_CLASSES = {
    RoadClass.EXPRESSWAY.value: "快速路",
    RoadClass.ARTERIAL.value: "主干路",
    RoadClass.SECONDARY.value: "次干路",
    RoadClass.BRANCH.value: "支路",
    RoadClass.ALLEY.value: "街巷",
}
WATER_KINDS = {
    WaterKind.RIVER.value: "河流",
    WaterKind.CANAL.value: "河道",
    WaterKind.LAKE.value: "湖泊",
    WaterKind.POND.value: "池塘",
}
POI_KINDS = {
    PoiKind.ESTATE.value: "小区",
    PoiKind.SCHOOL.value: "学校",
    PoiKind.HOSPITAL.value: "医院",
    PoiKind.MARKET.value: "市场",
    PoiKind.PARK.value: "公园",
    PoiKind.GOVERNMENT.value: "机关",
    PoiKind.STATION.value: "地铁站",
    PoiKind.OTHER.value: "其他",
}
BUILDING_USES = {
    BuildingUse.RESIDENTIAL.value: "住宅",
    BuildingUse.COMMERCIAL.value: "商业",
    BuildingUse.OFFICE.value: "办公",
    BuildingUse.INDUSTRIAL.value: "工业",
    BuildingUse.PUBLIC.value: "公共服务",
    BuildingUse.OTHER.value: "其他",
}
ADDRESS_LEVELS = {
    AddressLevel.DOOR.value: "门牌",
    AddressLevel.BUILDING.value: "楼栋",
    AddressLevel.UNIT.value: "单元",
    AddressLevel.ROOM.value: "户室",
}

_ALIAS_SPLIT = re.compile(r"[、,，;；/|]")
ALIAS_HELP = "多个别名用顿号（、）分隔。"
COORD_ALIASES_LNG = ("X", "lng", "lon", "longitude", "经度坐标")
COORD_ALIASES_LAT = ("Y", "lat", "latitude", "纬度坐标")


def aliases_of(text: Any) -> list[str]:
    return [a.strip() for a in _ALIAS_SPLIT.split(str(text or "")) if a.strip()]


def _joined(values: Any) -> str:
    return "、".join(values or [])


def _wkb_geojson(wkb: Any) -> Any:
    import json

    if not wkb:
        return None
    return json.loads(shapely.to_geojson(shapely.from_wkb(bytes(wkb))))


def line_length_m(geom: shapely.Geometry) -> float:
    total = 0.0
    parts = geom.geoms if hasattr(geom, "geoms") else [geom]
    for part in parts:
        coords = shapely.get_coordinates(part)
        if len(coords) > 1:
            total += float(haversine_m(coords[:-1, 0], coords[:-1, 1], coords[1:, 0], coords[1:, 1]).sum())
    return round(total, 1)


# ---------------------------------------------------------------- lookups shared by a whole import


def _names(ctx: RowContext, key: str, model: Any, **filters: Any) -> dict[str, int | None]:
    """code or name → id within the jurisdiction (None: a name two records share)."""
    found = ctx.cache.get(key)
    if found is None:
        found = {}
        by_name: dict[str, set[int]] = {}
        for pk, code, name in model.objects.filter(
            jurisdiction_id=ctx.jurisdiction_id, retired_at__isnull=True, **filters
        ).values_list("pk", "code", "name"):
            found[code] = pk
            by_name.setdefault(name, set()).add(pk)
        for name, ids in by_name.items():
            found.setdefault(name, next(iter(ids)) if len(ids) == 1 else None)
        ctx.cache[key] = found
    return found


def _estates(ctx: RowContext) -> dict[str, int | None]:
    return _names(ctx, "gis.estates", Poi)


def _roads(ctx: RowContext) -> dict[str, int | None]:
    return _names(ctx, "gis.roads", Road)


def _ref_error(ctx: RowContext, table: dict[str, int | None], column: Column, value: Any) -> list[RowError]:
    text = str(value or "").strip()
    if not text:
        return []
    if text not in table:
        return [
            RowError(
                "unknown_reference",
                _("No %(header)s of this name or code: %(value)s.")
                % {"header": column.header, "value": text},
                column.field,
            )
        ]
    if table[text] is None:
        return [
            RowError(
                "ambiguous_reference",
                _("Several records have this name; give the code: %(value)s.") % {"value": text},
                column.field,
            )
        ]
    return []


def _name_of(model: Any, pk: int | None) -> str:
    if pk is None:
        return ""
    return model.objects.filter(pk=pk).values_list("name", flat=True).first() or ""


# ---------------------------------------------------------------- 兴趣点


POI_COLUMNS = (
    Column(
        "code",
        "编码",
        TEXT,
        required=True,
        max_length=32,
        aliases=("POI编码", "兴趣点编码", "代码"),
        example="POI0001",
    ),
    Column(
        "name",
        "名称",
        TEXT,
        required=True,
        max_length=100,
        aliases=("兴趣点名称", "POI名称"),
        example="云澜苑",
    ),
    Column(
        "kind",
        "类型",
        CHOICE,
        choices=POI_KINDS,
        aliases=("分类", "兴趣点类型"),
        example="小区",
        help="小区、学校、医院、市场、公园、机关、地铁站或其他，留空为其他。",
    ),
    Column(
        "aliases",
        "别名",
        TEXT,
        max_length=500,
        aliases=("曾用名", "俗称"),
        example="云澜苑小区",
        help=ALIAS_HELP,
    ),
    Column("address", "地址", TEXT, max_length=255, aliases=("详细地址",), example="文泽路88号"),
    Column("lng", "经度", LNG, required=True, aliases=COORD_ALIASES_LNG, example="120.3412"),
    Column("lat", "纬度", LAT, required=True, aliases=COORD_ALIASES_LAT, example="30.3051"),
    Column(
        "outline",
        "轮廓",
        GEOMETRY,
        aliases=("范围", "边界"),
        help="可选：小区、公园的范围（GeoJSON 或 WKT 面）。",
    ),
)


def poi_prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": row.get("kind") or PoiKind.OTHER.value,
        "aliases": aliases_of(row.get("aliases")),
        "address": row.get("address") or "",
        "lng": row["lng"],
        "lat": row["lat"],
        "outline": row.get("outline"),
    }


def poi_row(poi: Poi) -> dict[str, Any]:
    return {
        "code": poi.code,
        "name": poi.name,
        "kind": poi.kind,
        "aliases": _joined(poi.aliases),
        "address": poi.address,
        "lng": poi.lng,
        "lat": poi.lat,
        "outline": _wkb_geojson(poi.outline),
    }


POIS = register_spec(
    RegistrySpec(
        key="pois",
        model=Poi,
        title="兴趣点",
        natural_key=("code",),
        columns=POI_COLUMNS,
        geometry="point",
        search_fields=("code", "name", "address"),
        filters=("kind", "street", "community", "grid"),
        prepare=poi_prepare,
        to_row=poi_row,
    )
)


# ---------------------------------------------------------------- 道路

ROAD_COLUMNS = (
    Column(
        "code", "道路编码", TEXT, required=True, max_length=32, aliases=("编码", "道路代码"), example="R0001"
    ),
    Column(
        "name", "道路名称", TEXT, required=True, max_length=64, aliases=("名称", "路名"), example="文泽路"
    ),
    Column(
        "road_class",
        "道路等级",
        CHOICE,
        choices=ROAD_CLASSES,
        aliases=("等级",),
        example="主干路",
        help="快速路、主干路、次干路、支路或街巷，留空为支路。",
    ),
    Column("aliases", "别名", TEXT, max_length=500, example="", help=ALIAS_HELP),
    Column(
        "geometry",
        "几何",
        GEOMETRY,
        required=True,
        aliases=("中心线", "geometry", "WKT"),
        example="LINESTRING (120.33 30.30, 120.34 30.30)",
        help="道路中心线：GeoJSON 或 WKT 线。",
    ),
)


def road_prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    geom = row["geometry"]
    return {
        "code": row["code"],
        "name": row["name"],
        "road_class": row.get("road_class") or RoadClass.BRANCH.value,
        "aliases": aliases_of(row.get("aliases")),
        "geometry": geom,
        "length_m": line_length_m(geom),
    }


def road_row(road: Road) -> dict[str, Any]:
    return {
        "code": road.code,
        "name": road.name,
        "road_class": road.road_class,
        "aliases": _joined(road.aliases),
        "geometry": _wkb_geojson(road.geometry),
    }


ROADS = register_spec(
    RegistrySpec(
        key="roads",
        model=Road,
        title="道路",
        natural_key=("code",),
        columns=ROAD_COLUMNS,
        geometry="line",
        search_fields=("code", "name"),
        filters=("road_class",),
        prepare=road_prepare,
        to_row=road_row,
    )
)


# ---------------------------------------------------------------- 水系

WATER_COLUMNS = (
    Column("code", "编码", TEXT, required=True, max_length=32, aliases=("水系编码",), example="W0001"),
    Column("name", "名称", TEXT, required=True, max_length=64, aliases=("水系名称",), example="下沙河"),
    Column(
        "kind",
        "类型",
        CHOICE,
        choices=WATER_KINDS,
        aliases=("水系类型",),
        example="河流",
        help="河流、河道、湖泊或池塘，留空为河流。",
    ),
    Column(
        "geometry",
        "几何",
        GEOMETRY,
        required=True,
        aliases=("范围", "geometry", "WKT"),
        example="POLYGON ((120.33 30.30, 120.34 30.30, 120.34 30.301, 120.33 30.301, 120.33 30.30))",
        help="水面范围（面），或窄河道的中心线（线）：GeoJSON 或 WKT。",
    ),
)
ACCEPTED_TYPES["water"] = POLYGON_TYPES + LINE_TYPES


def water_prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    return {
        "code": row["code"],
        "name": row["name"],
        "kind": row.get("kind") or WaterKind.RIVER.value,
        "geometry": row["geometry"],
    }


def water_row(water: Water) -> dict[str, Any]:
    return {
        "code": water.code,
        "name": water.name,
        "kind": water.kind,
        "geometry": _wkb_geojson(water.geometry),
    }


WATER = register_spec(
    RegistrySpec(
        key="water",
        model=Water,
        title="水系",
        natural_key=("code",),
        columns=WATER_COLUMNS,
        geometry="polygon",
        search_fields=("code", "name"),
        filters=("kind",),
        prepare=water_prepare,
        to_row=water_row,
    )
)


# ---------------------------------------------------------------- 建筑

BUILDING_COLUMNS = (
    Column(
        "code", "建筑编码", TEXT, required=True, max_length=32, aliases=("编码", "楼栋编码"), example="B0001"
    ),
    Column(
        "name", "名称", TEXT, required=True, max_length=100, aliases=("建筑名称", "楼栋名称"), example="3幢"
    ),
    Column(
        "estate",
        "所属小区",
        REF,
        max_length=100,
        aliases=("小区", "小区名称"),
        example="云澜苑",
        help="兴趣点中的小区名称或编码。",
    ),
    Column(
        "use",
        "用途",
        CHOICE,
        choices=BUILDING_USES,
        aliases=("建筑用途",),
        example="住宅",
        help="留空为住宅。",
    ),
    Column("floors", "层数", INT, aliases=("楼层数", "地上层数"), example="18"),
    Column(
        "geometry",
        "几何",
        GEOMETRY,
        required=True,
        aliases=("轮廓", "geometry", "WKT"),
        example="POLYGON ((120.33 30.30, 120.3303 30.30, 120.3303 30.3002, 120.33 30.3002, 120.33 30.30))",
        help="建筑轮廓（面）：GeoJSON 或 WKT。",
    ),
)


def building_validate(row: dict[str, Any], ctx: RowContext) -> list[RowError]:
    errors = _ref_error(ctx, _estates(ctx), BUILDING_COLUMNS[2], row.get("estate"))
    floors = row.get("floors")
    if floors is not None and not 0 < floors < 200:
        errors.append(
            RowError("out_of_range", _("The number of floors must be between 1 and 199."), "floors")
        )
    return errors


def building_prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    geom = row["geometry"]
    point = geom.centroid if geom.contains(geom.centroid) else geom.representative_point()
    estate = str(row.get("estate") or "").strip()
    return {
        "code": row["code"],
        "name": row["name"],
        "estate_id": _estates(ctx).get(estate) if estate else None,
        "use": row.get("use") or BuildingUse.RESIDENTIAL.value,
        "floors": row.get("floors"),
        "geometry": geom,
        "lng": round(point.x, 7),
        "lat": round(point.y, 7),
    }


def building_row(b: Building) -> dict[str, Any]:
    return {
        "code": b.code,
        "name": b.name,
        "estate": b.estate.name if b.estate is not None else "",
        "use": b.use,
        "floors": b.floors,
        "geometry": _wkb_geojson(b.geometry),
    }


BUILDINGS = register_spec(
    RegistrySpec(
        key="buildings",
        model=Building,
        title="建筑",
        natural_key=("code",),
        columns=BUILDING_COLUMNS,
        geometry="polygon",
        search_fields=("code", "name"),
        filters=("use", "estate", "street", "community", "grid"),
        validate_row=building_validate,
        prepare=building_prepare,
        to_row=building_row,
    )
)


# ---------------------------------------------------------------- 标准地址

ADDRESS_COLUMNS = (
    Column(
        "code",
        "地址编码",
        TEXT,
        required=True,
        max_length=40,
        aliases=("编码", "标准地址编码"),
        example="A000001",
    ),
    Column(
        "level",
        "地址级别",
        CHOICE,
        choices=ADDRESS_LEVELS,
        aliases=("级别",),
        example="户室",
        help="门牌、楼栋、单元或户室；留空时按填写的内容判断。",
    ),
    Column(
        "road_name", "道路名称", TEXT, max_length=64, aliases=("道路", "路名", "街路巷"), example="文泽路"
    ),
    Column("house_number", "门牌号", TEXT, max_length=32, aliases=("门牌", "号"), example="88号"),
    Column(
        "estate",
        "小区",
        REF,
        max_length=100,
        aliases=("小区名称", "所属小区"),
        example="云澜苑",
        help="兴趣点中的小区名称或编码。",
    ),
    Column("building_no", "楼栋号", TEXT, max_length=32, aliases=("楼栋", "幢号"), example="3幢"),
    Column("unit_no", "单元号", TEXT, max_length=16, aliases=("单元",), example="2单元"),
    Column("room_no", "户室号", TEXT, max_length=16, aliases=("户室", "室号"), example="301室"),
    Column(
        "address",
        "完整地址",
        TEXT,
        max_length=255,
        aliases=("标准地址", "地址", "详细地址"),
        help="留空时由区、街道、道路、门牌、小区、楼栋、单元、户室拼成。",
    ),
    Column("lng", "经度", LNG, required=True, aliases=COORD_ALIASES_LNG, example="120.3412"),
    Column("lat", "纬度", LAT, required=True, aliases=COORD_ALIASES_LAT, example="30.3051"),
    Column("aliases", "别名", TEXT, max_length=500, example="", help=ALIAS_HELP),
)


def _buildings(ctx: RowContext) -> dict[tuple[int | None, str], int]:
    found = ctx.cache.get("gis.buildings")
    if found is None:
        found = {}
        for pk, code, name, estate_id in Building.objects.filter(
            jurisdiction_id=ctx.jurisdiction_id, retired_at__isnull=True
        ).values_list("pk", "code", "name", "estate_id"):
            found[(None, code)] = pk
            found.setdefault((estate_id, name), pk)
        ctx.cache["gis.buildings"] = found
    return found


def address_validate(row: dict[str, Any], ctx: RowContext) -> list[RowError]:
    return _ref_error(ctx, _estates(ctx), ADDRESS_COLUMNS[4], row.get("estate"))


def _level_of(row: dict[str, Any]) -> str:
    if row.get("room_no"):
        return AddressLevel.ROOM.value
    if row.get("unit_no"):
        return AddressLevel.UNIT.value
    if row.get("building_no"):
        return AddressLevel.BUILDING.value
    return AddressLevel.DOOR.value


def _district_and_street(ctx: RowContext, lng: float, lat: float) -> tuple[str, str]:
    district = ctx.cache.get("gis.district_name")
    if district is None:
        from zhiguan.geo.models import Area

        district = (
            Area.objects.filter(jurisdiction_id=ctx.jurisdiction_id, level="district", active=True)
            .values_list("name", flat=True)
            .first()
            or ""
        )
        ctx.cache["gis.district_name"] = district
    street = lookup.get_index(ctx.jurisdiction_id).levels["street"].at(shapely.Point(lng, lat))
    return district, street.name if street is not None else ""


def address_prepare(row: dict[str, Any], ctx: RowContext) -> dict[str, Any]:
    estate_text = str(row.get("estate") or "").strip()
    estate_id = _estates(ctx).get(estate_text) if estate_text else None
    road_name = row.get("road_name") or ""
    road_id = _roads(ctx).get(road_name) if road_name else None
    building_no = row.get("building_no") or ""
    building_id = _buildings(ctx).get((estate_id, building_no)) if building_no else None
    address = row.get("address") or ""
    if not address:
        district, street = _district_and_street(ctx, row["lng"], row["lat"])
        estate_name = _name_of(Poi, estate_id) if estate_id else estate_text
        address = "".join(
            [
                district,
                street,
                road_name,
                row.get("house_number") or "",
                estate_name,
                building_no,
                row.get("unit_no") or "",
                row.get("room_no") or "",
            ]
        )[:255]
    return {
        "code": row["code"],
        "level": row.get("level") or _level_of(row),
        "road_id": road_id,
        "road_name": road_name,
        "house_number": row.get("house_number") or "",
        "estate_id": estate_id,
        "building_id": building_id,
        "building_no": building_no,
        "unit_no": row.get("unit_no") or "",
        "room_no": row.get("room_no") or "",
        "address": address,
        "lng": row["lng"],
        "lat": row["lat"],
        "aliases": aliases_of(row.get("aliases")),
    }


def address_row(a: StandardAddress) -> dict[str, Any]:
    return {
        "code": a.code,
        "level": a.level,
        "road_name": a.road_name,
        "house_number": a.house_number,
        "estate": a.estate.name if a.estate is not None else "",
        "building_no": a.building_no,
        "unit_no": a.unit_no,
        "room_no": a.room_no,
        "address": a.address,
        "lng": a.lng,
        "lat": a.lat,
        "aliases": _joined(a.aliases),
    }


ADDRESSES = register_spec(
    RegistrySpec(
        key="addresses",
        model=StandardAddress,
        title="标准地址",
        natural_key=("code",),
        columns=ADDRESS_COLUMNS,
        geometry="point",
        search_fields=("code", "address", "road_name"),
        filters=("level", "road", "estate", "street", "community", "grid"),
        validate_row=address_validate,
        prepare=address_prepare,
        to_row=address_row,
    )
)
