"""Importing a file through the API: formats, modes, re-import, the row report, bad uploads."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from zhiguan.gis.models import Poi
from zhiguan.registries.models import ImportBatch

from ..conftest import assert_error
from .conftest import POI_HEADERS, csv_bytes, poi_row, upload, xlsx_bytes


def history_count() -> int:
    return Poi.history.count()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_import_in_every_encoding_creates_the_records(admin_api, encoding):
    data = csv_bytes(POI_HEADERS, [poi_row(1), poi_row(2, kind="公园", aliases="东公园、老公园")], encoding)
    r = upload(admin_api, "pois", "兴趣点.csv", data)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["status"], body["created"], body["refused"]) == ("done", 2, 0)
    park = Poi.objects.get(code="P000002")
    assert park.kind == "park" and park.aliases == ["东公园", "老公园"]
    assert park.street is not None and park.grid is not None and park.h3_r9


def test_xlsx_with_blank_rows_above_the_header_imports(admin_api):
    r = upload(admin_api, "pois", "poi.xlsx", xlsx_bytes(POI_HEADERS, [poi_row(1)], blank_rows=2))
    assert r.status_code == 201, r.content
    assert r.json()["created"] == 1
    assert r.json()["errors"] == []


def test_geojson_points_fill_longitude_and_latitude(admin_api):
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"编码": "G1", "名称": "公园甲", "类型": "公园"},
                "geometry": {"type": "Point", "coordinates": [120.32, 30.31]},
            },
        ],
    }
    r = upload(admin_api, "pois", "poi.geojson", json.dumps(fc).encode())
    assert r.status_code == 201, r.content
    poi = Poi.objects.get(code="G1")
    assert (poi.lng, poi.lat, poi.kind) == (120.32, 30.31, "park")


def test_partial_mode_keeps_good_rows_and_reports_bad_ones(admin_api):
    rows = [poi_row(1), poi_row(2, kind="宫殿"), poi_row(3, lng=121.5), poi_row(4, code="P000001")]
    r = upload(admin_api, "pois", "p.csv", csv_bytes(POI_HEADERS, rows))
    body = r.json()
    assert (body["status"], body["created"], body["refused"]) == ("partial", 1, 3)
    codes = {(e["line"], e["code"]) for e in body["errors"]}
    assert codes == {(3, "unknown_choice"), (4, "outside_jurisdiction"), (5, "duplicate_in_file")}
    assert all(e["message"] for e in body["errors"])


def test_atomic_mode_changes_nothing_but_records_the_batch(admin_api):
    rows = [poi_row(1), poi_row(2, kind="宫殿")]
    r = upload(admin_api, "pois", "p.csv", csv_bytes(POI_HEADERS, rows), mode="atomic")
    body = r.json()
    assert body["status"] == "refused" and body["created"] == 0
    assert Poi.objects.count() == 0
    assert ImportBatch.objects.filter(status="refused").count() == 1


def test_reimporting_the_same_file_changes_nothing_and_writes_no_history(admin_api):
    data = csv_bytes(POI_HEADERS, [poi_row(n) for n in range(30)])
    assert upload(admin_api, "pois", "p.csv", data).json()["created"] == 30
    before = history_count()
    again = upload(admin_api, "pois", "p.csv", data).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 30)
    assert history_count() == before
    changed = csv_bytes(POI_HEADERS, [poi_row(n, name="改名" if n == 3 else f"兴趣点{n}") for n in range(30)])
    third = upload(admin_api, "pois", "p.csv", changed).json()
    assert (third["updated"], third["unchanged"]) == (1, 29)
    assert history_count() == before + 1
    assert Poi.objects.get(code="P000003").history.first().history_source.startswith("import:")


def test_the_report_has_the_original_cells_and_the_reasons(admin_api):
    rows = [poi_row(1), poi_row(2, kind="宫殿", name="")]
    body = upload(
        admin_api, "pois", "p.csv", csv_bytes([*POI_HEADERS, "备注栏"], [[*r, "x"] for r in rows])
    ).json()
    assert any(e["code"] == "unknown_column" and e["line"] == 1 for e in body["errors"])
    r = admin_api.client.get(body["report_url"], headers=admin_api.headers)
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "错误原因" and "名称*" in header
    line = [c.value for c in sheet[2]]
    assert line[header.index("编码*")] == "P000002"
    assert "类型" in line[-1] and "名称" in line[-1]
    assert [c.value for c in wb.worksheets[1][1]] == ["行号", "列", "代码", "说明"]


def test_a_missing_required_column_refuses_the_file(admin_api):
    r = upload(admin_api, "pois", "p.csv", csv_bytes(["编码", "名称", "经度"], [["A", "B", "120.31"]]))
    assert_error(r, 422, "missing_column")
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("p.xlsx", b"PK\x03\x04 not really a zip", "unreadable_file"),
        ("p.csv", b"", "empty_file"),
        ("p.geojson", b'{"type": "Feature"}', "unreadable_file"),
        ("p.csv", b"\x00\x01\x02binary", "unreadable_file"),
    ],
)
def test_bad_uploads_answer_4xx_and_record_nothing(admin_api, name, data, code):
    r = upload(admin_api, "pois", name, data)
    assert_error(r, 422, code)
    assert ImportBatch.objects.count() == 0 and Poi.objects.count() == 0


def test_a_huge_upload_is_refused(admin_api, settings):
    settings.ZHIGUAN_REGISTRY_IMPORT_MAX_MB = 1
    data = csv_bytes(POI_HEADERS, [poi_row(n) for n in range(20000)])
    assert len(data) > 1024 * 1024
    assert_error(upload(admin_api, "pois", "p.csv", data), 422, "file_too_large")
    assert ImportBatch.objects.count() == 0


def test_too_many_rows_is_refused(admin_api, settings):
    settings.ZHIGUAN_REGISTRY_IMPORT_MAX_ROWS = 5
    assert_error(
        upload(admin_api, "pois", "p.csv", csv_bytes(POI_HEADERS, [poi_row(n) for n in range(6)])),
        422,
        "too_many_rows",
    )
