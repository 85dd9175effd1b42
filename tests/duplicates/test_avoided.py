"""Duplicates avoided (docs/decisions/087): the requests of a period merged into another case, by a
person or by the platform, minus merges undone; with the share of all requests of the period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.conftest import build_world
from zhiguan.cases import services
from zhiguan.intelligence.duplicates import queries
from zhiguan.intelligence.duplicates.models import AutoMerge


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


def _merge(world, case, into):
    # Not `world.do`: its default merge payload registers another case.
    return services.perform(
        actor=world.actor("dispatcher"), case_id=case.pk, action="merge", into=into.number
    )


def test_merged_requests_count_and_undone_ones_do_not(world):
    target = world.new_case()
    merged = [world.new_case(description=f"重复反映{i}") for i in range(3)]
    for case in merged:
        _merge(world, case, target)
    world.new_case(description="别的事")
    # One of them was merged by the platform: counted as automatic until it is undone.
    AutoMerge.objects.create(
        jurisdiction=world.jurisdiction, case=merged[0], target=target, score=0.95, threshold=0.9
    )
    world.do(merged[2], "unmerge", by="supervisor", note="误合并")
    now = timezone.now()
    actor = world.actor("leader")
    got = queries.avoided_count(actor, since=now - timedelta(days=1), until=now + timedelta(minutes=1))
    assert got == {"merged": 2, "automatic": 1, "manual": 1, "requests": 5, "share": 0.4}
    before = queries.avoided_count(actor, since=now - timedelta(days=9), until=now - timedelta(days=1))
    assert before == {"merged": 0, "automatic": 0, "manual": 0, "requests": 0, "share": None}
    series = queries.avoided_series(actor, since=now - timedelta(days=2), until=now + timedelta(minutes=1))
    assert [(p["merged"], p["requests"]) for p in series] == [(2, 5)]
    assert series[0]["period"] == timezone.localdate().isoformat()
    months = queries.avoided_series(
        actor, since=now - timedelta(days=2), until=now + timedelta(minutes=1), by="month"
    )
    assert months[0]["period"] == timezone.localdate().isoformat()[:7]


def test_the_api_answers_a_period_and_refuses_a_reversed_one(world):
    target = world.new_case()
    _merge(world, world.new_case(description="重复"), target)
    api = world.api("leader")
    body = api.get("duplicates/avoided").json()
    assert body["merged"] == 1 and body["requests"] == 2 and body["share"] == 0.5
    assert body["series"][0]["merged"] == 1
    today = timezone.localdate()
    r = api.get(f"duplicates/avoided?since={today}&until={today - timedelta(days=3)}")
    assert r.status_code == 422
