"""The map's analyses over a district's cases: Gi* GeoJSON with a planted hot spot, recurring
problems at one grid, hot issues grouping the same matter; only cases the viewer may see."""

from __future__ import annotations

import pytest

from tests.cases.conftest import INSIDE, build_world
from zhiguan.cases.models import Case


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


def test_gistar_recurring_and_hot_issues(world):
    for i in range(12):  # a cluster at one corner...
        world.new_case(
            description=f"金沙湖小区东门垃圾堆放发臭没人清运，第{i}次反映", lng=INSIDE[0], lat=INSIDE[1]
        )
    for i in range(6):  # ...and cases spread about
        world.new_case(
            description=f"其他问题{i}号", lng=INSIDE[0] + 0.004 * (i + 1), lat=INSIDE[1] - 0.003 * (i % 3)
        )
    api = world.api("dispatcher")
    geo = api.get("hotspots/gistar", days=30, permutations=99, resolution=9).json()
    assert geo["type"] == "FeatureCollection" and geo["cases"] == 18
    hot = [f for f in geo["features"] if f["properties"]["count"] == 12]
    assert len(hot) == 1 and hot[0]["properties"]["z"] > 0
    ring = hot[0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and 120 < ring[0][0] < 121  # closed, lng first

    recurring = api.get("hotspots/recurring", days=30).json()
    assert recurring and recurring[0]["count"] >= 12 and recurring[0]["place"].startswith("网格")

    issues = api.get("hotspots/hot-issues", days=30).json()
    assert issues[0]["size"] >= 10
    assert all(
        Case.objects.get(number=n).description.startswith("金沙湖小区东门") for n in issues[0]["numbers"]
    )


def test_bad_parameters_and_no_cases(world):
    api = world.api("dispatcher")
    assert api.get("hotspots/gistar", days=30).json()["features"] == []
    assert api.get("hotspots/gistar", days=0).status_code == 422
    assert api.get("hotspots/recurring", min_count=1).status_code == 422
