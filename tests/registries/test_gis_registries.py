"""The geography registries: roads, water, buildings and standard addresses from files."""

from __future__ import annotations

import json

from zhiguan.gis.models import Building, Road, StandardAddress, Water

from .conftest import csv_bytes, upload

ESTATE = {"values": {"code": "E1", "name": "云澜苑", "kind": "小区", "lng": 120.31, "lat": 30.31}}


def test_roads_from_geojson_have_length_and_box(admin_api):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"道路编码": "R1", "道路名称": "文泽路", "道路等级": "主干路"},
                "geometry": {"type": "LineString", "coordinates": [[120.31, 30.31], [120.32, 30.31]]},
            },
        ],
    }
    r = upload(admin_api, "roads", "roads.geojson", json.dumps(fc).encode())
    assert r.json()["created"] == 1, r.content
    road = Road.objects.get(code="R1")
    assert road.road_class == "arterial" and 900 < road.length_m < 1000
    assert (road.min_lng, road.max_lng) == (120.31, 120.32)
    rec = admin_api.get("registries/roads/records").json()["items"][0]
    assert rec["geometry"]["type"] == "LineString"


def test_water_accepts_a_polygon_or_a_line(admin_api):
    data = csv_bytes(
        ["编码", "名称", "类型", "几何"],
        [
            ["W1", "湖", "湖泊", "POLYGON ((120.31 30.31, 120.32 30.31, 120.32 30.32, 120.31 30.31))"],
            ["W2", "渠", "河道", "LINESTRING (120.31 30.31, 120.32 30.31)"],
        ],
    )
    assert upload(admin_api, "water", "w.csv", data).json()["created"] == 2
    assert Water.objects.get(code="W2").kind == "canal"


def test_buildings_link_their_estate_and_are_located(admin_api):
    admin_api.post("registries/pois/records", ESTATE)
    data = csv_bytes(
        ["建筑编码*", "名称*", "所属小区", "层数", "几何*"],
        [
            [
                "B1",
                "3幢",
                "云澜苑",
                "18",
                "POLYGON ((120.31 30.31, 120.311 30.31, 120.311 30.311, 120.31 30.311, 120.31 30.31))",
            ],
            [
                "B2",
                "4幢",
                "不存在的小区",
                "",
                "POLYGON ((120.31 30.31, 120.311 30.31, 120.311 30.311, 120.31 30.31))",
            ],
        ],
    )
    body = upload(admin_api, "buildings", "b.csv", data).json()
    assert body["created"] == 1 and [e["code"] for e in body["errors"]] == ["unknown_reference"]
    b = Building.objects.get(code="B1")
    assert b.estate.name == "云澜苑" and b.floors == 18 and b.street.name == "西街道"


def test_addresses_derive_the_full_address_and_link_the_estate(admin_api):
    admin_api.post("registries/pois/records", ESTATE)
    data = csv_bytes(
        ["地址编码", "道路名称", "门牌号", "小区", "楼栋号", "单元号", "户室号", "经度", "纬度"],
        [
            ["A1", "文泽路", "88号", "云澜苑", "3幢", "2单元", "301室", "120.31", "30.31"],
        ],
    )
    assert upload(admin_api, "addresses", "a.csv", data).json()["created"] == 1
    a = StandardAddress.objects.get(code="A1")
    assert a.address == "钱塘区西街道文泽路88号云澜苑3幢2单元301室"
    assert a.level == "room" and a.estate.code == "E1" and a.grid is not None
