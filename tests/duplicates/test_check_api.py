"""The duplicate check at intake: nearby open cases of the same problem ranked first, with reasons;
far-away or unrelated cases are not offered; the check never writes."""

from __future__ import annotations

import pytest

from tests.cases.conftest import INSIDE, build_world
from zhiguan.cases.models import Case, CaseEvent


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


def test_the_same_problem_nearby_comes_first_with_reasons(world):
    same = world.new_case(description="金沙路1号小区门口占道经营，夜里油烟扰民，多次反映无果")
    other = world.new_case(description="公园里的健身器材坏了，孩子容易受伤")
    before = (Case.objects.count(), CaseEvent.objects.count())
    operator = world.api("operator")
    found = operator.post(
        "duplicates/check",
        {
            "text": "金沙路1号小区门口有人占道经营，晚上油烟很大扰民",
            "lng": INSIDE[0],
            "lat": INSIDE[1],
            "category_id": world.category.pk,
        },
    ).json()
    assert found[0]["number"] == same.number and found[0]["duplicate"] is True
    assert "米" in found[0]["summary"] and "文本相似度" in found[0]["summary"]
    ranked = [f["number"] for f in found]
    assert other.number not in ranked[:1]
    if other.number in ranked:
        assert next(f for f in found if f["number"] == other.number)["duplicate"] is False
    assert (Case.objects.count(), CaseEvent.objects.count()) == before


def test_far_away_and_empty_text_find_nothing(world):
    world.new_case(description="金沙路1号小区门口占道经营，夜里油烟扰民")
    operator = world.api("operator")
    far = operator.post(
        "duplicates/check",
        {"text": "小区门口占道经营，夜里油烟扰民", "lng": INSIDE[0] + 0.05, "lat": INSIDE[1] + 0.05},
    )
    assert far.status_code == 200 and far.json() == []
    assert operator.post("duplicates/check", {"text": " "}).json() == []
    assert operator.post("duplicates/check", {"text": "x", "lat": 95}).status_code == 422
