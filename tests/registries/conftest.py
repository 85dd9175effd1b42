"""The small district of tests/geo (120.30–120.40 E, 30.25–30.35 N) and helpers to build files."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import Workbook

from ..geo.conftest import import_small_geography

POI_HEADERS = ["编码*", "名称*", "类型", "别名", "地址", "经度*", "纬度*"]


@pytest.fixture
def geo(system: Any, root_department: Any) -> Any:
    import_small_geography(system)
    return system


@pytest.fixture
def admin_api(api_as: Any, geo: Any, root_department: Any) -> Any:
    return api_as("admin", jurisdiction=geo.jurisdiction, department=root_department)


def poi_row(n: int, **kw: Any) -> list[Any]:
    base = {
        "code": f"P{n:06d}",
        "name": f"兴趣点{n}",
        "kind": "学校",
        "aliases": "",
        "address": f"文泽路{n}号",
        "lng": 120.31 + (n % 100) * 0.0005,
        "lat": 30.26 + (n // 100 % 100) * 0.0005,
    }
    base.update(kw)
    return [
        base["code"],
        base["name"],
        base["kind"],
        base["aliases"],
        base["address"],
        base["lng"],
        base["lat"],
    ]


def csv_bytes(headers: list[str], rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(headers)
    w.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(headers: list[str], rows: list[list[Any]], *, blank_rows: int = 0) -> bytes:
    wb = Workbook()
    ws = wb.active
    for _ in range(blank_rows):
        ws.append([])
    ws.append(headers)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(api: Any, key: str, name: str, data: bytes, **form: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.client.post(
        f"/api/v1/registries/{key}/imports",
        {"file": SimpleUploadedFile(name, data), **form},
        headers=api.headers,
    )
