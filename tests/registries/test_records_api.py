"""Records through the API: create, change, history with before → after, as-of, retire, restore,
paging, exports, templates."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from zhiguan.gis.models import Poi

from ..conftest import assert_error
from .conftest import POI_HEADERS, csv_bytes, poi_row, upload

POINT = {"lng": 120.31, "lat": 30.31}


def create(api, **values):
    return api.post(
        "registries/pois/records",
        {"values": {"code": "P1", "name": "云澜苑", "kind": "小区", **POINT, **values}},
    )


def test_the_registry_list_describes_columns_in_chinese(admin_api):
    regs = {r["key"]: r for r in admin_api.get("registries").json()}
    assert {"pois", "roads", "buildings", "water", "addresses"} <= set(regs)
    pois = regs["pois"]
    assert pois["title"] == "兴趣点" and pois["natural_key"] == ["code"] and pois["can_manage"]
    kind = next(c for c in pois["columns"] if c["field"] == "kind")
    assert {"value": "estate", "label": "小区"} in kind["choices"]


def test_create_then_change_shows_before_and_after_with_source_and_user(admin_api):
    r = create(admin_api)
    assert r.status_code == 201, r.content
    rec = r.json()
    assert rec["values"]["kind"] == "estate" and rec["labels"]["kind"] == "小区"
    assert rec["labels"]["street"] == "西街道"
    r = admin_api.patch(f"registries/pois/records/{rec['id']}", {"values": {"name": "云澜苑小区"}})
    assert r.status_code == 200, r.content
    assert r.json()["values"]["name"] == "云澜苑小区" and r.json()["lng"] == 120.31
    hist = admin_api.get(f"registries/pois/records/{rec['id']}/history").json()
    assert [h["kind"] for h in hist] == ["changed", "created"]
    assert hist[0]["source"] == "console" and hist[0]["by"] == admin_api.user.full_name
    assert hist[0]["changes"] == [
        {"field": "name", "header": "名称", "before": "云澜苑", "after": "云澜苑小区"}
    ]


def test_a_gcj02_point_is_stored_in_wgs84(admin_api):
    r = admin_api.post(
        "registries/pois/records", {"values": {"code": "G", "name": "甲", **POINT}, "crs": "gcj02"}
    )
    assert r.status_code == 201, r.content
    assert abs(r.json()["lng"] - 120.31) > 0.003  # the GCJ-02 offset in Hangzhou is a few hundred metres


def test_invalid_values_answer_422_with_every_problem(admin_api):
    r = admin_api.post(
        "registries/pois/records", {"values": {"code": "", "name": "x" * 101, "lng": "东经", "lat": 30.3}}
    )
    err = assert_error(r, 422, "invalid_record")
    assert {(e["column"], e["code"]) for e in err["details"]["errors"]} == {
        ("code", "required"),
        ("name", "too_long"),
        ("lng", "not_a_number"),
    }
    create(admin_api)
    assert (
        assert_error(create(admin_api), 422, "invalid_record")["details"]["errors"][0]["code"]
        == "duplicate_key"
    )
    assert Poi.objects.count() == 1


def test_as_of_returns_the_earlier_state(admin_api):
    rec = create(admin_api).json()
    between = Poi.history.get(id=rec["id"]).history_date + timedelta(milliseconds=1)
    time.sleep(0.01)
    admin_api.patch(f"registries/pois/records/{rec['id']}", {"values": {"name": "新名"}})
    then = admin_api.get(f"registries/pois/records/{rec['id']}", as_of=between.isoformat())
    assert then.status_code == 200, then.content
    assert then.json()["values"]["name"] == "云澜苑"
    assert admin_api.get(f"registries/pois/records/{rec['id']}").json()["values"]["name"] == "新名"
    before = admin_api.get(f"registries/pois/records/{rec['id']}", as_of="2001-01-01")
    assert_error(before, 404, "not_yet_recorded")


def test_retire_and_restore(admin_api):
    rec = create(admin_api).json()
    assert_error(
        admin_api.post(f"registries/pois/records/{rec['id']}/retire", {"reason": ""}), 422, "reason_required"
    )
    r = admin_api.post(f"registries/pois/records/{rec['id']}/retire", {"reason": "已拆除"})
    assert r.status_code == 200 and r.json()["retired_reason"] == "已拆除"
    assert admin_api.get("registries/pois/records").json()["items"] == []
    assert len(admin_api.get("registries/pois/records", state="retired").json()["items"]) == 1
    assert admin_api.post(f"registries/pois/records/{rec['id']}/restore").json()["retired_at"] is None
    kinds = [h["kind"] for h in admin_api.get(f"registries/pois/records/{rec['id']}/history").json()]
    assert kinds == ["restored", "retired", "created"]


def test_a_reader_cannot_write(api_as, geo, admin_api):
    rec = create(admin_api).json()
    reader = api_as("intake_operator", jurisdiction=geo.jurisdiction)
    assert reader.get("registries/pois/records").status_code == 200
    assert_error(
        reader.post(f"registries/pois/records/{rec['id']}/retire", {"reason": "x"}), 403, "forbidden"
    )


def _seed(api, n):
    data = csv_bytes(POI_HEADERS, [poi_row(i) for i in range(n)])
    assert upload(api, "pois", "p.csv", data).json()["created"] == n


def test_keyset_paging_returns_every_record_once(admin_api):
    _seed(admin_api, 37)

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.integers(min_value=1, max_value=40))
    def walk(size):
        seen, after = [], ""
        while True:
            page = admin_api.get("registries/pois/records", limit=size, after=after).json()
            seen += [i["key"] for i in page["items"]]
            if not page["next"]:
                break
            after = page["next"]
        assert seen == sorted(seen) and len(seen) == len(set(seen)) == 37

    walk()
    assert_error(admin_api.get("registries/pois/records", after="garbage!"), 422, "bad_cursor")


def test_list_filters_search_and_bbox(admin_api):
    _seed(admin_api, 10)
    create(admin_api, code="Z1", name="钱塘公园", kind="公园", lng=120.36, lat=30.31)
    assert [i["key"] for i in admin_api.get("registries/pois/records", q="钱塘公园").json()["items"]] == [
        "Z1"
    ]
    assert [i["key"] for i in admin_api.get("registries/pois/records", kind="park").json()["items"]] == ["Z1"]
    east = admin_api.get("registries/pois/records", bbox="120.35,30.25,120.40,30.35").json()["items"]
    assert [i["key"] for i in east] == ["Z1"]


def test_export_csv_is_formula_safe_and_reimportable(admin_api):
    create(admin_api, name="=1+1")
    r = admin_api.get("registries/pois/export", format="csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["编码", "名称"]
    assert rows[1][1] == "'=1+1" and rows[1][2] == "小区"
    x = admin_api.get("registries/pois/export", format="xlsx")
    assert load_workbook(io.BytesIO(x.content)).worksheets[0]["B2"].value == "=1+1"
    gj = admin_api.get("registries/pois/export", format="geojson").json()
    assert gj["features"][0]["geometry"] == {"type": "Point", "coordinates": [120.31, 30.31]}


def test_templates_have_chinese_headers_and_notes(admin_api):
    r = admin_api.get("registries/pois/template", format="xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["编码*", "名称*", "类型"]
    assert wb.worksheets[1].title == "填写说明"
    notes = [[c.value for c in row] for row in wb.worksheets[1].iter_rows()]
    assert any(n[0] == "类型" and "小区" in (n[2] or "") for n in notes)
    assert any("GCJ-02" in (n[3] or "") for n in notes)
    c = admin_api.get("registries/pois/template", format="csv").content.decode("utf-8-sig")
    assert c.splitlines()[0].startswith('"编码*","名称*"')
    assert_error(admin_api.get("registries/nothing/records"), 404, "unknown_registry")
