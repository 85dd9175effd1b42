"""An address typed at intake against the point clicked on the map, on the demo district's real street names."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error
from zhiguan.geo.demo import STREET_SEEDS, build_demo_geography
from zhiguan.geo.lookup import name_forms
from zhiguan.geo.models import Area
from zhiguan.geo.queries import address_check
from zhiguan.geo.services import locate

SEEDS = {name: (lng, lat) for _code, name, lng, lat in STREET_SEEDS}
# The streets' seed points (GCJ-02) lie inside their own street: the demo splits around them.
BAIYANG, XIASHA = SEEDS["白杨街道"], SEEDS["下沙街道"]


@pytest.fixture
def demo_geo(system):
    build_demo_geography(actor=system, data_dir=None)
    return system


def check(actor, text: str, point: tuple[float, float]):
    return address_check(actor=actor, text=text, lng=point[0], lat=point[1], crs="gcj02")


def test_short_forms_drop_the_ending_people_leave_off():
    assert name_forms("street", "下沙街道") == ["下沙街道", "下沙"]
    assert name_forms("community", "金沙社区") == ["金沙社区", "金沙"]
    assert name_forms("street", "临平镇") == ["临平镇", "临平"]
    # One character left would match inside ordinary words.
    assert name_forms("community", "江村") == ["江村"]


def test_address_in_xiasha_with_a_point_in_baiyang_is_flagged(demo_geo):
    result = check(demo_geo, "下沙金沙湖路与学源街交叉口东北角", BAIYANG)
    assert result.agrees is False
    assert [(a.name, a.matched) for a in result.named] == [("下沙街道", "下沙")]
    assert result.located.street_name == "白杨街道"
    assert "下沙街道" in result.message and "白杨街道" in result.message


def test_the_message_reads_in_chinese_by_default(demo_geo, api_as, jurisdiction):
    api = api_as("intake_operator", jurisdiction=jurisdiction, language="zh-hans")
    body = api.get(
        "geo/address-check", text="下沙街道文泽路", lng=BAIYANG[0], lat=BAIYANG[1], crs="gcj02"
    ).json()
    assert body["agrees"] is False
    assert body["message"] == "地址写的是下沙街道，地图点在白杨街道：请核对"


def test_address_and_point_in_the_same_street_agree(demo_geo):
    for text in ("下沙街道文泽路", "下沙，文泽路88号", "钱塘区下沙街道"):
        result = check(demo_geo, text, XIASHA)
        assert result.agrees is True, text
        assert result.message == ""
        assert [a.name for a in result.named] == ["下沙街道"]


def test_an_address_naming_no_place_is_not_flagged(demo_geo):
    result = check(demo_geo, "9号大街88号小区东门", BAIYANG)
    assert result.agrees is True and result.named == [] and result.message == ""
    assert check(demo_geo, "", BAIYANG).agrees is True


def test_a_road_named_after_a_place_is_not_the_place(demo_geo):
    # 下沙路 and 文泽路 are roads; 文泽社区 (a 白杨 community in the demo) is not named by them.
    for text in ("下沙路128号", "文泽路与学源街口"):
        result = check(demo_geo, text, BAIYANG)
        assert result.named == [] and result.agrees is True, text
    # The full name still counts, whatever follows it.
    assert check(demo_geo, "下沙街道路边摊", BAIYANG).agrees is False


def test_a_community_counts_for_its_street_and_is_checked_itself(demo_geo, jurisdiction):
    where = locate(jurisdiction_id=jurisdiction.pk, lng=XIASHA[0], lat=XIASHA[1], crs="gcj02")
    here = Area.objects.get(pk=where.community_id)
    elsewhere = Area.objects.filter(level="community", parent_id=where.street_id).exclude(pk=here.pk).first()
    # The community the point is in: the street agrees too, though the text never names it.
    assert check(demo_geo, f"{here.name}12幢", XIASHA).agrees is True
    # Another community of the same street: flagged on the community.
    other = check(demo_geo, f"{elsewhere.name}12幢", XIASHA)
    assert other.agrees is False and here.name in other.message and elsewhere.name in other.message
    # A community of 下沙 with the point in 白杨: flagged on the street.
    far = check(demo_geo, f"{here.name}12幢", BAIYANG)
    assert far.agrees is False and "白杨街道" in far.message


def test_two_streets_named_agree_when_the_point_is_in_either(demo_geo):
    assert check(demo_geo, "下沙与白杨交界处", BAIYANG).agrees is True
    assert check(demo_geo, "下沙与白杨交界处", SEEDS["义蓬街道"]).agrees is False


def test_the_api_answers_outside_points_and_anonymous_callers_with_errors(
    demo_geo, api_as, jurisdiction, client
):
    api = api_as("intake_operator", jurisdiction=jurisdiction)
    assert_error(api.get("geo/address-check", text="下沙", lng=121.5, lat=31.2), 422, "outside_jurisdiction")
    assert (
        client.get("/api/v1/geo/address-check", {"text": "下沙", "lng": 120.3, "lat": 30.3}).status_code
        == 401
    )
    body = api.get("geo/address-check", text="白杨街道", lng=BAIYANG[0], lat=BAIYANG[1], crs="gcj02").json()
    assert body["agrees"] is True and body["named"][0]["matched"] == "白杨街道"
    assert body["located"]["street_name"] == "白杨街道"


def test_street_and_community_outlines_carry_a_label_point_inside_them(demo_geo, api_as, jurisdiction):
    import shapely
    from shapely.geometry import shape

    api = api_as("intake_operator", jurisdiction=jurisdiction)
    for level in ("street", "community"):
        features = api.get("geo/areas.geojson", level=level).json()["features"]
        assert features
        for f in features:
            assert shape(f["geometry"]).contains(shapely.Point(*f["properties"]["label"])), f["properties"][
                "name"
            ]
    grids = api.get("geo/areas.geojson", level="grid").json()["features"]
    assert "label" not in grids[0]["properties"]
