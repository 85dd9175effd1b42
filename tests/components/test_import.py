"""Importing components from a small .xlsx through the registries pipeline: good and bad rows."""

from __future__ import annotations

from zhiguan import exports
from zhiguan.components.models import Component
from zhiguan.components.registry import SPEC

from .conftest import LAT, LNG

try:  # the service when H1's registries API is complete, else the pipeline it calls
    from zhiguan.registries.services import import_file
except ImportError:  # pragma: no cover
    from zhiguan.registries.importing import import_file

HEADER = ["部件编码", "部件类型", "名称", "经度", "纬度", "权属单位", "养护单位", "状态", "安装日期", "备注"]
GOOD = [
    [
        "3301140101000001",
        "上水井盖",
        "北街上水井盖1",
        LNG,
        LAT,
        "钱塘水务有限公司",
        "SWGS",
        "完好",
        "2020-05-01",
        "",
    ],
    ["3301140128000001", "0128", "北街路灯1", LNG + 0.0003, LAT, "CGJLD", "路灯管理所", "破损", "", ""],
    [
        "3301140103000001",
        "雨水井盖",
        "",
        LNG,
        LAT + 0.0003,
        "CGJSZ",
        "杭州某某市政工程有限公司",
        "",
        "",
        "新建",
    ],
]
BAD = [
    ["3301080101000009", "上水井盖", "", LNG, LAT, "SWGS", "", "", "", ""],  # 滨江区's code
    ["3301140102000009", "上水井盖", "", LNG, LAT, "SWGS", "", "", "", ""],  # 污水井盖 code, 上水井盖 row
    ["3301140101000010", "上水井盖", "", LNG, LAT, "水务局", "", "", "", ""],  # no such department
    ["3301140101000011", "上水井盖", "", 121.5, 31.2, "SWGS", "", "", "", ""],  # 上海, not the district
    ["3301140101000012", "飞碟", "", LNG, LAT, "SWGS", "", "", "", ""],
]


def _xlsx(rows):
    return exports.as_xlsx(HEADER, rows, sheet="城市部件")


def test_an_xlsx_with_good_and_bad_rows(world):
    batch = import_file(actor=world.actor, spec=SPEC, file_name="部件.xlsx", data=_xlsx(GOOD + BAD))
    assert (batch.status, batch.rows, batch.created, batch.refused) == ("partial", 8, 3, 5)
    by_line = {e["line"]: (e["code"], e["header"]) for e in batch.errors}
    assert by_line == {
        5: ("wrong_admin_code", "部件编码"),
        6: ("category_mismatch", "部件编码"),
        7: ("unknown_department", "权属单位"),
        8: ("outside_jurisdiction", "经度"),
        9: ("unknown_component_type", "部件类型"),
    }
    lamp = Component.objects.select_related("owner", "maintainer", "category").get(code="3301140128000001")
    assert (lamp.category.name, lamp.owner.code, lamp.maintainer.code, lamp.state) == (
        "路灯",
        "CGJLD",
        "CGJLD",
        "damaged",
    )
    assert lamp.grid is not None and lamp.street is not None and lamp.h3_r11
    cover = Component.objects.get(code="3301140103000001")
    assert (cover.maintainer_id, cover.maintainer_name, cover.state) == (
        None,
        "杭州某某市政工程有限公司",
        "normal",
    )
    again = import_file(actor=world.actor, spec=SPEC, file_name="部件.xlsx", data=_xlsx(GOOD))
    assert (again.status, again.created, again.updated, again.unchanged) == ("done", 0, 0, 3)


def test_an_atomic_import_with_one_bad_row_writes_nothing(world):
    batch = import_file(
        actor=world.actor,
        spec=SPEC,
        file_name="部件.csv",
        data=exports.as_csv(HEADER, GOOD + BAD[:1]),
        mode="atomic",
    )
    assert batch.status == "refused" and Component.objects.count() == 0
