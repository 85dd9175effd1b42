"""The map's two added layers and the hot issues' drill-down: emerging hot spots over time slices,
DBSCAN clusters of case points, the case ids of each hot issue; only cases the viewer may see."""

from __future__ import annotations

import math
from datetime import timedelta

import h3
import pytest
from django.utils import timezone

from tests.cases.conftest import INSIDE, build_world
from tests.conftest import assert_error
from zhiguan.cases.models import Case


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


def _case(world, *, days_ago: float, lng: float, lat: float, text: str) -> Case:
    case = world.new_case(description=text, lng=lng, lat=lat)
    Case.objects.filter(pk=case.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return case


def test_cells_that_start_in_the_last_slice_are_new_hot_spots(world):
    # Each month: four cases scattered 2-4 km away; the last month also sixteen in a 200 m ring.
    for month in range(3):
        for k in range(4):
            _case(
                world,
                days_ago=75 - 30 * month + k,
                lng=INSIDE[0] + 0.02 + 0.02 * (k // 2) + 0.005 * month,
                lat=INSIDE[1] + 0.02 * (k % 2) + 0.006 * month,
                text=f"路灯不亮{month}-{k}",
            )
    for i in range(16):
        lng, lat = INSIDE[0] + 0.002 * math.cos(i), INSIDE[1] + 0.002 * math.sin(i)
        _case(world, days_ago=2 + i / 2, lng=lng, lat=lat, text=f"东门垃圾堆放第{i}次")
    geo = world.api("dispatcher").get("hotspots/emerging", days=90, slice_days=30, resolution=9).json()
    assert geo["type"] == "FeatureCollection" and geo["cases"] == 28 and len(geo["slices"]) == 3
    assert geo["features"], "the ring is a hot spot"
    for f in geo["features"]:
        props = f["properties"]
        assert props["category"] == "new" and props["counts"][:2] == [0, 0], props
        lat, lng = h3.cell_to_latlng(f["id"])  # every hot cell is at the ring, none at the scattered cases
        assert abs(lat - INSIDE[1]) < 0.006 and abs(lng - INSIDE[0]) < 0.006
    busiest = max(geo["features"], key=lambda f: f["properties"]["total"])["properties"]
    assert busiest["counts"][2] >= 2 and busiest["z_last"] > 3
    ring = geo["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and 120 < ring[0][0] < 121
    # The category filter: none of these is a consultation.
    assert (
        world.api("dispatcher")
        .get("hotspots/emerging", days=90, slice_days=30, category_id=world.consult_category.pk)
        .json()["features"]
        == []
    )


def test_a_neighbourhood_rising_slice_after_slice_is_intensifying(world, monkeypatch):
    """The slicing and the classification over six monthly slices, with the points given directly
    (six months of a growing spot would take hundreds of registrations)."""
    from zhiguan.intelligence.hotspots import queries

    now = timezone.now()
    points = []
    for month in range(6):  # oldest first: the spot grows 20, 30, ... 70; the background stays
        when = now - timedelta(days=165 - 30 * month)
        points += [
            (INSIDE[1] + 0.002 * math.sin(i), INSIDE[0] + 0.002 * math.cos(i), when)
            for i in range(20 + 10 * month)
        ]
        points += [
            (INSIDE[1] + 0.01 * (k % 5) - 0.02, INSIDE[0] + 0.01 * (k // 5) + 0.02, when) for k in range(25)
        ]
    monkeypatch.setattr(queries, "timed_points", lambda qs: points)
    geo = world.api("dispatcher").get("hotspots/emerging", days=180, slice_days=30, resolution=9).json()
    assert len(geo["slices"]) == 6 and geo["cases"] == len(points)
    centre = h3.latlng_to_cell(INSIDE[1], INSIDE[0], 9)
    cells = {f["id"]: f["properties"] for f in geo["features"]}
    assert cells[centre]["category"] == "intensifying" and cells[centre]["trend"] == "increasing"
    assert cells[centre]["hot_share"] == 1.0


def test_a_planted_cluster_is_found_with_its_cases_and_category(world):
    planted = {
        _case(
            world,
            days_ago=1,
            lng=INSIDE[0] + 0.0002 * (i % 3),
            lat=INSIDE[1] + 0.0002 * (i // 3),
            text=f"占道{i}",
        ).number
        for i in range(8)
    }
    for k in range(4):  # far from each other and from the cluster: noise
        _case(world, days_ago=1, lng=INSIDE[0] + 0.01 * (k + 1), lat=INSIDE[1] - 0.01, text=f"零散{k}")
    geo = world.api("supervisor").get("hotspots/clusters", days=30).json()
    assert geo["cases"] == 12 and geo["truncated"] is False
    assert len(geo["features"]) == 1
    props = geo["features"][0]["properties"]
    assert props["count"] == 8 and set(props["numbers"]) == planted
    assert props["top_category"] == "占道经营" and props["top_category_count"] == 8
    assert {Case.objects.get(pk=i).number for i in props["case_ids"]} == planted
    assert geo["features"][0]["geometry"]["type"] == "Polygon"
    lng, lat = props["centroid"]
    assert abs(lng - INSIDE[0]) < 0.001 and abs(lat - INSIDE[1]) < 0.001
    # A stricter core (more cases than the cluster holds) finds none.
    assert world.api("supervisor").get("hotspots/clusters", days=30, min_samples=9).json()["features"] == []


def test_hot_issues_carry_the_ids_and_excerpts_of_their_requests(world):
    for i in range(5):  # three people, one of them calling three times
        phone = f"1381234567{max(0, i - 2)}"
        world.new_case(
            description=f"金沙湖小区东门垃圾堆放发臭没人清运，第{i}次反映，请尽快处理",
            reporters=[{"name": "居民", "phone": phone}],
        )
    issue = world.api("leader").get("hotspots/hot-issues", days=30).json()[0]
    assert issue["size"] == 5 and issue["reporters"] == 3
    assert "1381234567" not in str(issue)  # the phones only tell reporters apart
    assert len(issue["case_ids"]) == len(issue["numbers"]) == 5
    for case_id, number, row in zip(issue["case_ids"], issue["numbers"], issue["cases"], strict=True):
        assert Case.objects.get(pk=case_id).number == number == row["number"] and row["id"] == case_id
        assert row["excerpt"].startswith("金沙湖小区东门垃圾堆放") and row["created_at"]


def test_bad_parameters_give_the_error_shape(world):
    api = world.api("dispatcher")
    err = assert_error(api.get("hotspots/emerging", days=60, slice_days=30), 422, "too_few_slices")
    assert err["details"]["slices"] == 2
    assert_error(api.get("hotspots/emerging", resolution=12), 422, "invalid_input")
    assert_error(api.get("hotspots/clusters", eps_m=0), 422, "invalid_input")
    assert_error(api.get("hotspots/clusters", min_samples="many"), 422, "invalid_input")
    assert_error(api.get("hotspots/emerging", slice_days=0), 422, "invalid_input")


def test_a_viewer_of_another_jurisdiction_sees_nothing(world, other_jurisdiction, api_as):
    for i in range(6):
        _case(world, days_ago=1, lng=INSIDE[0], lat=INSIDE[1], text=f"东门垃圾堆放第{i}次")
    outsider = api_as("dispatcher", jurisdiction=other_jurisdiction)
    clusters = outsider.get("hotspots/clusters", days=30).json()
    assert clusters["features"] == [] and clusters["cases"] == 0
    emerging = outsider.get("hotspots/emerging").json()
    assert emerging["features"] == [] and emerging["cases"] == 0
    assert outsider.get("hotspots/hot-issues", days=30).json() == []
    # ...while the district's own dispatcher sees the cluster.
    assert (
        world.api("dispatcher").get("hotspots/clusters", days=30).json()["features"][0]["properties"]["count"]
        == 6
    )


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("再次反映，听涛路地铁站出口共享单车乱停乱放", "听涛路地铁站出口共享单车乱停乱放"),
        ("第三次投诉：东门垃圾没人清运", "东门垃圾没人清运"),
        ("再次反映听涛路共享单车问题", "再次反映听涛路共享单车问题"),  # the matter follows in the clause
        ("2017年3月，下发了关于鼓励外出创业的文件", "下发了关于鼓励外出创业的文件"),  # a date is no title
        ("近日，白杨街道路灯不亮", "白杨街道路灯不亮"),
        ("本月5日上午10点，河庄路有人倾倒渣土", "河庄路有人倾倒渣土"),
        ("2019年底小区开始施工", "2019年底小区开始施工"),  # the matter follows in the clause
    ],
)
def test_a_repeated_call_is_titled_by_its_matter(text, title):
    from zhiguan.intelligence.hotspots.services import _first_clause

    assert _first_clause(text) == title
