"""The 数字城管 部件/事件 classification, its handling standards, and pinyin search (decision 060)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.services import create_department
from zhiguan.taxonomy import naming, queries, services
from zhiguan.taxonomy.models import Category, Scheme
from zhiguan.taxonomy.standards import install_city_management, standard_codes, standard_rows

from ..conftest import assert_error
from .conftest import fingerprint

# The 大类 the issue names, per kind.
PART_CLASSES = {"公用设施", "道路交通", "市容环境", "园林绿化", "房屋土地", "其他设施"}
EVENT_CLASSES = {"市容环境", "宣传广告", "施工管理", "突发事件", "街面秩序", "其他事件"}


@pytest.fixture
def installed(system):
    return install_city_management(actor=system)


def test_the_shipped_table_covers_both_kinds_with_codes_under_their_class():
    rows = standard_rows()
    parts = {r.major_name for r in rows if r.kind == "部件"}
    events = {r.major_name for r in rows if r.kind == "事件"}
    assert parts == PART_CLASSES and events == EVENT_CLASSES
    assert len(rows) > 100
    assert len({r.category_code for r in rows}) == len(rows)
    named = {(r.kind, r.code): r.name for r in rows}
    assert named["部件", "0101"] == "上水井盖" and named["事件", "0101"] == "私搭乱建"
    assert {"路灯", "上水井盖", "占道经营", "暴露垃圾"} <= {r.name for r in rows}


def test_installer_builds_two_trees_with_every_class_and_a_profile_per_subclass(system, installed):
    roots = Category.objects.filter(jurisdiction=system.jurisdiction, level=1, scheme=Scheme.CITY_MANAGEMENT)
    assert sorted(r.name for r in roots) == ["城市管理事件", "城市管理部件"]
    parts, events = installed["DCM-P"], installed["DCM-E"]
    assert {c.name for c in parts.children.all()} == PART_CLASSES
    assert {c.name for c in events.children.all()} == EVENT_CLASSES
    for major in [*parts.children.all(), *events.children.all()]:
        assert major.level == 2 and major.children.count() > 0, major.path_name
    leaves = [c for c in installed.values() if c.level == 3]
    assert len(leaves) == len(standard_rows())
    assert len({c.deadline_profile_id for c in leaves}) == len(leaves)  # each its own
    for leaf in leaves:
        p = leaf.deadline_profile
        assert p.code == leaf.code and p.filing_condition and p.closing_condition and p.source
        assert (p.handle_hours is not None) or p.handle_days >= 1
        assert leaf.scheme == Scheme.CITY_MANAGEMENT
    manhole = installed["DCM-P-0101"]
    assert manhole.path_name == "城市管理部件 / 公用设施 / 上水井盖"
    assert manhole.deadline_profile.handle_hours == 6 and manhole.deadline_profile.urgent_handle_hours == 2
    assert "GB/T 30428.2" in manhole.deadline_profile.source
    # 私搭乱建 is counted in working days (拆除 20 工作日), not hours.
    assert installed["DCM-E-0101"].deadline_profile.handle_hours is None
    assert installed["DCM-E-0101"].deadline_profile.handle_days == 20
    assert set(installed) == standard_codes()


def test_installer_is_idempotent(system, installed):
    before = fingerprint()
    again = install_city_management(actor=system)
    assert fingerprint() == before
    assert {k: c.pk for k, c in again.items()} == {k: c.pk for k, c in installed.items()}


def test_installer_leaves_what_the_district_changed(system, installed):
    services.update_category(actor=system, category_id=installed["DCM-P-0128"].pk, name="道路照明")
    services.retire_category(actor=system, category_id=installed["DCM-E-05"].pk)
    before = fingerprint()
    again = install_city_management(actor=system)
    assert fingerprint() == before
    assert again["DCM-P-0128"].name == "道路照明" and again["DCM-E-0501"].retired


def test_installer_sets_lead_departments_by_class_or_subclass(system, root_department):
    def bureau(code):
        return create_department(
            actor=system, code=code, name=code, kind="bureau", parent_id=root_department.pk
        )

    cgj, lighting = bureau("CGJ"), bureau("LD")
    nodes = install_city_management(actor=system, lead_departments={"DCM-P-01": cgj, "DCM-P-0128": lighting})
    assert queries.effective_lead_department(nodes["DCM-P-0101"]) == cgj
    assert queries.effective_lead_department(nodes["DCM-P-0128"]) == lighting
    assert queries.effective_lead_department(nodes["DCM-E-0101"]) is None


def test_installer_refuses_bad_input_and_writes_nothing(system, root_department):
    before = fingerprint()
    with pytest.raises(InvalidInput) as err:
        install_city_management(actor=system, lead_departments={"DCM-P-9999": root_department})
    assert err.value.code == "unknown_standard_code"
    services.create_category(actor=system, name="城市管理事件")  # a district's own root of that name
    before = fingerprint()
    with pytest.raises(Conflict) as clash:
        install_city_management(actor=system)
    assert clash.value.code == "duplicate_name" and fingerprint() == before


def test_management_command_installs_into_the_jurisdiction_by_code(system, capsys):
    call_command("install_city_management", jurisdiction=system.jurisdiction.code)
    assert (
        Category.objects.filter(jurisdiction=system.jurisdiction, code="DCM-E-0507").get().name == "占道经营"
    )
    assert "小类" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("install_city_management", jurisdiction="999999")
    with pytest.raises(CommandError):
        call_command("install_city_management", jurisdiction=system.jurisdiction.code, lead=["DCM-P-01=NOPE"])


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def both(system, installed):
    """The 数字城管 trees beside 12345 matters named like the issue's 劳动 entries."""
    services.import_taxonomy(
        actor=system,
        rows=[
            ("劳动社保", "劳动关系", "劳动合同"),
            ("劳动社保", "劳动保障", "劳动"),
            ("城乡建设", "市政管理", "路灯不亮"),
        ],
    )
    return installed


def _names(actor, q, **kw):
    return [c.name for c in queries.search_categories(actor, q, **kw)]


def test_ld_finds_the_street_light_before_labour_entries(system, both):
    hits = queries.search_categories(system, "ld")
    names = [c.name for c in hits]
    assert names.index("路灯") < names.index("劳动合同") and names.index("路灯") < names.index("劳动社保")
    assert "路灯井盖" in names and "路灯不亮" in names  # whole-name initials prefix


def test_prefer_city_management_ranks_its_categories_first(system, both):
    preferred = _names(system, "ld", prefer="city_management")
    assert preferred[0] == "路灯" and preferred.index("路灯井盖") < preferred.index("劳动")
    hotline_first = _names(system, "ld", prefer="12345")
    assert hotline_first[0] == "劳动" and hotline_first.index("劳动") < hotline_first.index("路灯")


def test_jurisdiction_default_preference(system, both, settings):
    settings.ZHIGUAN_CATEGORY_PREFER = f"{system.jurisdiction.code}=city_management"
    assert _names(system, "ld")[0] == "路灯"
    settings.ZHIGUAN_CATEGORY_PREFER = f"{system.jurisdiction.code}=12345"
    assert _names(system, "ld")[0] == "劳动"
    # The request wins over the default.
    assert _names(system, "ld", prefer="city_management")[0] == "路灯"


def test_word_initials_full_pinyin_and_chinese_substring(system, both):
    assert "路灯不亮" in _names(system, "bl")  # the second word
    assert _names(system, "ldbl")[0] == "路灯不亮"
    assert _names(system, "zdjy")[0] == "占道经营"
    # A whole-name prefix (加油站 jyz) ranks before a later word (占道经营 zd jy).
    jy = _names(system, "jy", prefer="city_management")
    assert jy.index("加油站") < jy.index("占道经营") and "店外经营" in jy
    assert _names(system, "ludeng")[0] == "路灯"
    assert "上水井盖" in _names(system, "jinggai")
    jg = _names(system, "井盖")
    assert {"上水井盖", "污水井盖", "路灯井盖"} <= set(jg)


def test_search_api_takes_prefer_and_refuses_unknown_schemes(api_as, jurisdiction, both):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    r = operator.get("taxonomy/categories/search", q="ld", prefer="city_management")
    assert r.status_code == 200, r.content
    first = r.json()[0]
    assert first["name"] == "路灯" and first["scheme"] == "city_management" and first["is_leaf"]
    assert first["pinyin_words"] == "ld" and first["pinyin_full"] == "ludeng"
    assert_error(operator.get("taxonomy/categories/search", q="ld", prefer="nope"), 422, "invalid_scheme")


def test_category_detail_shows_the_handling_standard(api_as, jurisdiction, both):
    operator = api_as("intake_operator", jurisdiction=jurisdiction)
    detail = operator.get(f"taxonomy/categories/{both['DCM-E-0102'].pk}").json()
    profile = detail["effective_profile"]
    assert detail["scheme"] == "city_management"
    assert profile["handle_hours"] == 4 and profile["urgent_handle_hours"] == 2
    assert "垃圾" in profile["filing_condition"] and profile["closing_condition"]


# --- profiles through the API --------------------------------------------------------------------


def test_profile_api_creates_patches_and_clears_hour_limits(api_as, jurisdiction):
    admin = api_as("admin", jurisdiction=jurisdiction)
    body = {
        "code": "MANHOLE",
        "name": "井盖缺失",
        "accept_hours": 1,
        "handle_days": 1,
        "callback_days": 1,
        "handle_hours": 6,
        "urgent_handle_hours": 2,
        "filing_condition": "井盖丢失、破损",
        "closing_condition": "井盖补齐",
        "source": "广州市井盖设施管理办法",
    }
    r = admin.post("taxonomy/profiles", body)
    assert r.status_code == 201, r.content
    made = r.json()
    assert (made["handle_hours"], made["urgent_handle_hours"], made["source"]) == (6, 2, body["source"])
    r = admin.patch(f"taxonomy/profiles/{made['id']}", {"closing_condition": "井盖补齐，盖稳井框平"})
    assert r.json()["handle_hours"] == 6 and r.json()["closing_condition"] == "井盖补齐，盖稳井框平"
    r = admin.patch(f"taxonomy/profiles/{made['id']}", {"handle_hours": None, "urgent_handle_hours": None})
    assert r.status_code == 200 and r.json()["handle_hours"] is None


@pytest.mark.parametrize(
    "changes",
    [
        {"handle_hours": 0},
        {"handle_hours": -2},
        {"handle_hours": 1.001},
        {"handle_hours": 5000},
        {"urgent_handle_hours": 9},
    ],
)
def test_profile_api_refuses_bad_hour_limits_and_changes_nothing(api_as, jurisdiction, changes):
    admin = api_as("admin", jurisdiction=jurisdiction)
    made = admin.post(
        "taxonomy/profiles",
        {
            "code": "P",
            "name": "井盖",
            "accept_hours": 1,
            "handle_days": 1,
            "callback_days": 1,
            "handle_hours": 6,
        },
    ).json()
    before = fingerprint()
    assert_error(admin.patch(f"taxonomy/profiles/{made['id']}", changes), 422, "invalid_profile")
    assert fingerprint() == before


# --- properties of the naming ---------------------------------------------------------------------

HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
NAME_CHARS = st.one_of(HANZI, st.sampled_from(list("路灯井盖劳动保障占道经营垃圾（）·12AB")))
NAMES = st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda n: naming.pinyin_initials(n))


@settings(max_examples=200, deadline=None)
@given(name=NAMES)
def test_word_initials_spell_the_whole_initials(name):
    assert naming.word_initials(name).replace(" ", "") == "".join(
        naming.pinyin_initials(w) for w in naming.words(name)
    )
    assert all(naming.pinyin_initials(w) for w in naming.words(name))


@settings(max_examples=200, deadline=None)
@given(name=NAMES)
def test_every_word_of_a_name_is_found_by_its_initials(name):
    cat = Category(name=name, level=1)
    naming.apply_path(cat)
    for word in naming.words(name):
        initials = naming.pinyin_initials(word)
        assert queries._rank(cat, initials, initials) <= 3, (name, word)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_search_finds_a_new_category_by_each_of_its_words(system, name):
    parent = services.create_category(actor=system, name=f"根{Category.objects.count()}")
    cat = services.create_category(actor=system, name=name, parent_id=parent.pk)
    for word in naming.words(name):
        hits = queries.search_categories(system, naming.pinyin_initials(word), limit=1000)
        assert cat.pk in [h.pk for h in hits], (name, word)


@settings(max_examples=200, deadline=None)
@given(name=NAMES)
def test_syllables_align_with_the_characters_and_spell_the_full_pinyin(name):
    syl = naming.syllables(name)
    assert len(syl) == len(name)
    assert "".join(syl) == naming.pinyin_full(name)
    assert "".join(s[:1] for s in syl) == naming.pinyin_initials(name)
