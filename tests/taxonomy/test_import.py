import csv
from pathlib import Path

import pytest

from zhiguan.audit.models import AuditRecord
from zhiguan.errors import Forbidden, InvalidInput
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_department
from zhiguan.taxonomy import services
from zhiguan.taxonomy.demo import BUILTIN_CSV, LEVEL1_LEADS, build_demo_taxonomy
from zhiguan.taxonomy.models import Category
from zhiguan.taxonomy.queries import effective_lead_department, effective_profile, search_categories

from ..conftest import shared_data
from .conftest import ROWS, fingerprint

# Verified by reading fj1_taxonomy.csv with the csv module: 517 rows, 15 level-1 names, 103
# distinct level-2 names in 118 (level-1, level-2) pairs, 390 distinct level-3 names in 517
# distinct triples. The tree keeps same-named nodes under different parents apart.
REAL_L1, REAL_L2_NODES, REAL_L3_NODES = 15, 118, 517


def _real_csv() -> Path:
    return shared_data("tipdm2020_c", "csv", "fj1_taxonomy.csv")


def test_real_taxonomy_imports_as_15_118_517_nodes(system):
    path = _real_csv()
    with path.open(encoding="utf-8") as f:
        rows = [(r["一级分类"], r["二级分类"], r["三级分类"]) for r in csv.DictReader(f)]
    assert len(rows) == 517
    assert len({r[1] for r in rows}) == 103 and len({r[2] for r in rows}) == 390

    counts = services.import_taxonomy_csv(actor=system, path=path)

    assert (counts["level1"], counts["level2"], counts["level3"]) == (REAL_L1, REAL_L2_NODES, REAL_L3_NODES)
    cats = Category.objects.filter(jurisdiction=system.jurisdiction)
    assert [cats.filter(level=n).count() for n in (1, 2, 3)] == [15, 118, 517]
    # "安全生产" sits under both 城乡建设 and 经济管理: two nodes with different codes.
    safety = cats.filter(level=2, name="安全生产")
    assert sorted(c.path_name for c in safety) == ["城乡建设 / 安全生产", "经济管理 / 安全生产"]
    assert len({c.code for c in safety}) == 2
    leaf = cats.get(path_name="城乡建设 / 城乡规划 / 违章建筑")
    assert leaf.pinyin_initials == "cxjs/cxgh/wzjz"
    assert leaf.code.startswith(leaf.parent.code + ".") and len(leaf.code.split(".")[-1]) == 3
    assert search_categories(system, "wzjz")[0] == leaf
    assert search_categories(system, "wyfw")[0].path_name == "城乡建设 / 住房保障与房地产 / 物业服务"
    assert search_categories(system, "yllh")[0].path_name == "城乡建设 / 城市建设和市政管理 / 园林绿化"


def test_reimporting_the_real_file_adds_nothing(system):
    path = _real_csv()
    services.import_taxonomy_csv(actor=system, path=path)
    before = sorted(Category.objects.values_list("code", "path_name"))
    counts = services.import_taxonomy_csv(actor=system, path=path)
    assert (counts["level1"], counts["level2"], counts["level3"]) == (0, 0, 0)
    assert counts["existing"] == 517
    assert sorted(Category.objects.values_list("code", "path_name")) == before


def test_reimport_adds_only_new_rows_and_keeps_codes(system, tree):
    codes = {c.path_name: c.code for c in Category.objects.all()}
    counts = services.import_taxonomy(
        actor=system,
        rows=[*ROWS, ("城乡建设", "城市建设和市政管理", "井盖"), ("农村农业", "水利水电", "河道")],
    )
    assert (counts["level1"], counts["level2"], counts["level3"], counts["existing"]) == (1, 1, 2, 6)
    after = {c.path_name: c.code for c in Category.objects.all()}
    assert {k: after[k] for k in codes} == codes
    assert after["城乡建设 / 城市建设和市政管理 / 井盖"] == after["城乡建设 / 城市建设和市政管理"] + ".003"
    assert AuditRecord.objects.filter(action="taxonomy.imported").count() == 2


def test_import_never_reopens_a_retired_branch(system, tree):
    branch = tree["城乡建设 / 安全生产"]
    services.retire_category(actor=system, category_id=branch.pk)
    counts = services.import_taxonomy(actor=system, rows=[("城乡建设", "安全生产", "事故处理")])
    assert counts["level3"] == 0 and counts["skipped_retired"] == 1
    assert not Category.objects.filter(name="事故处理").exists()


@pytest.mark.parametrize(
    "bad_row",
    [("新分类", "", "三级"), ("新分类", "二级"), ("新分类", "a/b", "三级")],
    ids=["empty", "short", "slash"],
)
def test_a_bad_row_rejects_the_whole_import(system, tree, bad_row):
    before = fingerprint()
    with pytest.raises(InvalidInput) as exc:
        services.import_taxonomy(actor=system, rows=[("新分类", "二级", "三级"), bad_row])
    assert exc.value.code == "invalid_row" and exc.value.details["line"] == 2
    assert fingerprint() == before


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "一级分类,二级分类\n城乡建设,安全生产\n".encode(),
        "一级分类,二级分类,三级分类\n".encode(),
        "一级分类,二级分类,三级分类\n城乡建设,,事故处理\n".encode(),
        "一级分类,二级分类,三级分类\n城乡建设,安全生产,事故处理\n".encode("gbk"),
        "level1,level2,level3,deadline_profile\n城乡建设,安全生产,事故处理,NOPE\n".encode(),
    ],
    ids=["empty", "missing-column", "no-rows", "empty-cell", "not-utf8", "unknown-profile"],
)
def test_bad_csv_is_rejected_and_nothing_is_written(system, tree, content):
    before = fingerprint()
    with pytest.raises(InvalidInput) as exc:
        services.import_taxonomy_csv(actor=system, content=content)
    assert exc.value.code == "invalid_csv"
    assert fingerprint() == before


def test_import_needs_the_manage_permission(jurisdiction):
    viewer = Actor(jurisdiction=jurisdiction, grants={"taxonomy.view": "jurisdiction"})
    with pytest.raises(Forbidden):
        services.import_taxonomy(actor=viewer, rows=ROWS)


def test_builtin_taxonomy_is_used_without_real_data(system, root_department, tmp_path):
    cgj = create_department(
        actor=system, code="CGJ", name="城市管理局", kind="bureau", parent_id=root_department.pk
    )
    # Only CGJ exists: categories meant for other bureaus keep an empty lead.
    result = build_demo_taxonomy(actor=system, data_dir=tmp_path, departments={"CGJ": cgj})

    with BUILTIN_CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    level1 = {r["level1"] for r in rows}
    assert result["source"] == "builtin" and result["profiles"] == 4
    assert result["level1"] == len(level1) and result["level3"] == len(rows) >= 100
    assert level1 <= set(LEVEL1_LEADS)
    # The demo installs the 数字城管 tree beside it, with a 路灯 of its own (decision 060).
    street_light = Category.objects.get(name="路灯", scheme="12345")
    assert street_light.path_name == "市政设施 / 照明设施 / 路灯"
    assert effective_lead_department(street_light) == cgj
    assert effective_profile(street_light).code == "GENERAL"
    assert effective_lead_department(Category.objects.get(name="拖欠工资")) is None
    assert Category.objects.get(name="燃气泄漏").deadline_profile.code == "URGENT"

    again = build_demo_taxonomy(actor=system, data_dir=None, departments={"CGJ": cgj})
    assert (again["level1"], again["level2"], again["level3"]) == (0, 0, 0)
    assert again["categories"] == result["categories"]


def test_demo_maps_every_real_level1_to_a_department(system, root_department):
    data_dir = _real_csv().parents[2]
    codes = sorted(set(LEVEL1_LEADS.values()))
    depts = {
        code: create_department(
            actor=system, code=code, name=code, kind="bureau", parent_id=root_department.pk
        )
        for code in [*codes, "YJJ", "XFJ"]
    }
    result = build_demo_taxonomy(actor=system, data_dir=data_dir, departments=depts)
    assert result["source"] == "tipdm2020_c"
    # The 12345 matters only: the demo installs the 数字城管 tree beside them (decision 060).
    hotline = Category.objects.filter(jurisdiction=system.jurisdiction, scheme="12345")
    assert hotline.count() == 15 + 118 + 517
    level1 = hotline.filter(level=1)
    assert all(c.default_lead_department_id is not None for c in level1)
    assert all(c.deadline_profile.code == "GENERAL" for c in level1)
    property_service = Category.objects.get(path_name="城乡建设 / 住房保障与房地产 / 物业服务")
    assert effective_lead_department(property_service).code == "ZJJ"
    city = Category.objects.get(path_name="城乡建设 / 城市建设和市政管理 / 城管执法")
    assert effective_lead_department(city).code == "CGJ"
    demolition = Category.objects.get(path_name="城乡建设 / 国有土地上房屋征收与补偿 / 安置补偿")
    assert effective_profile(demolition).code == "COMPLEX"
