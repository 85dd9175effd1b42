"""The generic column checks: every failure code, and the forms officials write values in."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiguan.gis.registry import POIS, ROADS
from zhiguan.registries.cleaning import clean_cell, clean_rows
from zhiguan.registries.spec import (
    BOOL,
    CHOICE,
    DATE,
    FLOAT,
    GEOMETRY,
    INT,
    LAT,
    LNG,
    TEXT,
    Column,
    RowContext,
)


def code(column, value):
    _v, err = clean_cell(column, value)
    return err.code if err else None


def value(column, v):
    out, err = clean_cell(column, v)
    assert err is None, err
    return out


def test_text_is_trimmed_and_limited():
    c = Column("name", "名称", TEXT, required=True, max_length=3)
    assert value(c, "  云澜 ") == "云澜"
    assert code(c, "") == "required" and code(c, "   ") == "required"
    assert code(c, "四个字符") == "too_long"


def test_numbers_accept_full_width_digits():
    assert value(Column("n", "层数", INT), "１８") == 18
    assert value(Column("n", "层数", INT), 18.0) == 18
    assert code(Column("n", "层数", INT), "18.5") == "not_an_integer"
    assert code(Column("n", "层数", INT), "十八") == "not_a_number"
    assert value(Column("x", "面积", FLOAT), "１,２３４．５") == 1234.5
    assert code(Column("x", "经度", LNG), "200") == "bad_coordinates"
    assert code(Column("x", "纬度", LAT), "95") == "bad_coordinates"


def test_choices_accept_the_stored_value_or_the_chinese_label():
    c = Column("kind", "类型", CHOICE, choices={"park": "公园", "school": "学校"})
    assert value(c, "公园") == "park" and value(c, "school") == "school"
    assert code(c, "宫殿") == "unknown_choice"


@pytest.mark.parametrize(
    "text", ["2024-05-01", "2024/5/1", "2024年5月1日", "２０２４年５月１日", 45413, "20240501"]
)
def test_dates_in_the_forms_officials_write(text):
    assert value(Column("d", "日期", DATE), text) == date(2024, 5, 1)


def test_not_a_date():
    assert code(Column("d", "日期", DATE), "五月一日") == "not_a_date"
    assert code(Column("d", "日期", DATE), "2024-02-30") == "not_a_date"


@given(st.sampled_from(["是", "true", "1", "TRUE"]), st.sampled_from(["否", "false", "0", "False"]))
def test_booleans(yes, no):
    c = Column("b", "是否", BOOL)
    assert value(c, yes) is True and value(c, no) is False
    assert code(c, "也许") == "not_a_boolean"


def test_geometry_from_geojson_or_wkt():
    c = Column("geometry", "几何", GEOMETRY)
    assert value(c, "LINESTRING (120.31 30.31, 120.32 30.31)").geom_type == "LineString"
    assert value(c, {"type": "Point", "coordinates": [120.3, 30.3]}).geom_type == "Point"
    assert code(c, "POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))") == "bad_geometry"  # self-intersecting
    assert code(c, "not a shape") == "bad_geometry"


def _ctx(actor, crs="wgs84"):
    return RowContext(actor=actor, jurisdiction_id=actor.jurisdiction.pk, crs=crs, line=2)


def test_points_outside_the_jurisdiction_and_wrong_geometry_types(geo):
    rows = clean_rows(
        POIS,
        [
            (2, {"code": "A", "name": "甲", "lng": 120.31, "lat": 30.31}),
            (3, {"code": "B", "name": "乙", "lng": 116.4, "lat": 39.9}),
        ],
        _ctx(geo),
    )
    assert rows[0].errors == [] and [e.code for e in rows[1].errors] == ["outside_jurisdiction"]
    roads = clean_rows(
        ROADS,
        [
            (2, {"code": "R", "name": "路", "geometry": "POINT (120.31 30.31)"}),
            (3, {"code": "R2", "name": "路", "geometry": "LINESTRING (116.3 39.9, 116.4 39.9)"}),
            (4, {"code": "R3", "name": "路", "geometry": "LINESTRING (120.31 30.31, 120.32 30.31)"}),
        ],
        _ctx(geo),
    )
    assert [[e.code for e in r.errors] for r in roads] == [
        ["wrong_geometry_type"],
        ["outside_jurisdiction"],
        [],
    ]
