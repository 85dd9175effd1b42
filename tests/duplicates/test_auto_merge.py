"""Automatic merging (docs/decisions/087): off by default; once the administrator switches it on, a
new request that is almost surely the same problem as an open case is merged into it by the
platform and listed for review, where a supervisor keeps or undoes it. It never breaks a
registration."""

from __future__ import annotations

import pytest

from tests.cases.conftest import INSIDE, build_world
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case
from zhiguan.intelligence.duplicates import services
from zhiguan.intelligence.duplicates.models import AutoMerge

TEXT = "金沙路1号小区门口有人占道经营，夜里油烟很大扰民，多次反映无果"


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(jurisdiction)


def _register(world, capture, text=TEXT, **kw):
    with capture(execute=True):
        case = world.new_case(description=text, **kw)
    return Case.objects.get(pk=case.pk)


def _switch_on(world, threshold=0.9):
    r = world.api("admin").put("duplicates/settings", {"auto_merge": True, "threshold": threshold})
    assert r.status_code == 200, r.content
    return r.json()


def test_off_by_default_nothing_merges_by_itself(world, django_capture_on_commit_callbacks):
    assert world.api("operator").get("duplicates/settings").json()["auto_merge"] is False
    first = _register(world, django_capture_on_commit_callbacks)
    second = _register(world, django_capture_on_commit_callbacks)
    assert (first.status, second.status) == ("registered", "registered")
    assert not AutoMerge.objects.exists()


def test_switched_on_a_near_certain_duplicate_is_merged_and_listed(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    body = _switch_on(world, 0.8)
    assert body == {**body, "auto_merge": True, "threshold": 0.8}
    assert AuditRecord.objects.filter(action="duplicates.auto_merge_set").exists()
    first = _register(world, capture)
    second = _register(world, capture)
    assert second.status == "merged" and second.merged_into_id == first.pk
    event = second.events.order_by("-seq").first()
    assert event.action == "merge" and event.actor_label == "system" and "文本相似度" in event.note
    assert first.events.filter(action="merge_received").exists()
    listed = world.api("supervisor").get("duplicates/auto-merges").json()
    assert [(a["case"], a["target"], a["outcome"]) for a in listed] == [
        (second.number, first.number, "pending")
    ]
    assert listed[0]["score"] >= 0.8 and listed[0]["reasons"]
    # Something else far away stays its own case.
    other = _register(
        world, capture, text="公园健身器材损坏，孩子容易受伤", lng=INSIDE[0] + 0.05, lat=INSIDE[1] + 0.05
    )
    assert other.status == "registered"
    merged = world.api("dispatcher").get(f"duplicates/cases/{first.number}/merged").json()
    assert [m["number"] for m in merged] == [second.number] and merged[0]["automatic"] is True
    assert "*" in merged[0]["reporter"] and "13812345678" not in merged[0]["reporter"]


def test_a_supervisor_keeps_or_undoes_an_automatic_merge_once(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    _switch_on(world)
    first = _register(world, capture)
    kept = _register(world, capture)
    undone = _register(world, capture)
    rows = {a.case_id: a for a in AutoMerge.objects.all()}
    assert set(rows) == {kept.pk, undone.pk}
    sup = world.api("supervisor")
    r = world.api("dispatcher").post(f"duplicates/auto-merges/{rows[kept.pk].pk}/confirm", {})
    assert r.status_code == 403
    r = sup.post(f"duplicates/auto-merges/{rows[kept.pk].pk}/confirm", {"note": "确属重复"})
    assert r.status_code == 200 and r.json()["outcome"] == "kept" and r.json()["reviewed_by"]
    r = sup.post(f"duplicates/auto-merges/{rows[undone.pk].pk}/undo", {"note": "不是同一户"})
    assert r.status_code == 200 and r.json()["outcome"] == "undone"
    undone.refresh_from_db()
    assert undone.status == "registered" and undone.merged_into_id is None
    assert undone.events.order_by("-seq").first().action == "unmerge"
    again = sup.post(f"duplicates/auto-merges/{rows[kept.pk].pk}/undo", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reviewed"
    assert first.events.filter(action="merge_undone").count() == 1
    assert world.api("supervisor").get("duplicates/auto-merges?outcome=pending").json() == []


def test_only_the_administrator_changes_the_setting_within_bounds(world):
    r = world.api("dispatcher").put("duplicates/settings", {"auto_merge": True, "threshold": 0.9})
    assert r.status_code == 403
    admin = world.api("admin")
    for bad in (0.5, 1.5):
        r = admin.put("duplicates/settings", {"auto_merge": True, "threshold": bad})
        assert r.status_code == 422
    assert admin.get("duplicates/settings").json()["auto_merge"] is False


def test_a_failing_check_never_breaks_a_registration(world, django_capture_on_commit_callbacks, monkeypatch):
    _switch_on(world)
    _register(world, django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("scorer down")

    monkeypatch.setattr(services, "check", broken)
    r = None
    with django_capture_on_commit_callbacks(execute=True):
        r = world.api("operator").post(
            "cases",
            {
                "request_type": "complaint",
                "channel": "hotline",
                "category_id": world.category.pk,
                "description": TEXT,
                "reporters": [{"name": "王五", "phone": "13700002222"}],
                "lng": INSIDE[0],
                "lat": INSIDE[1],
            },
        )
    assert r.status_code in (200, 201), r.content
    assert Case.objects.get(number=r.json()["number"]).status == "registered"
    assert not AutoMerge.objects.exists()


def test_candidates_for_a_case_exclude_itself_and_closed_cases(world):
    first = world.new_case(description=TEXT)
    second = world.new_case(description=TEXT)
    found = world.api("dispatcher").get(f"duplicates/cases/{second.number}/candidates").json()
    assert [f["number"] for f in found] == [first.number] and found[0]["reasons"]
    assert world.api("dispatcher").get("duplicates/cases/NOPE/candidates").status_code == 404
