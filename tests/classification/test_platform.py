"""The classifier on the platform: versions trained from closed cases in the background, activated
and rolled back with audit records, suggestions at intake with the server's threshold, and every
registered case carrying the active model's prediction (and a correction when it differs)."""

from __future__ import annotations

import pytest

from tests.cases.conftest import build_world
from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.intelligence.classification import services
from zhiguan.intelligence.classification.models import ModelVersion
from zhiguan.taxonomy.services import create_category

LAMP = [
    "路灯不亮，晚上一片漆黑",
    "路灯坏了好几天没人修",
    "小区门口路灯熄灭",
    "路灯杆倾斜灯不亮",
    "夜里路灯全黑",
]
WASTE = ["垃圾堆放发臭没人清运", "垃圾桶满了溢出来", "建筑垃圾乱倒", "垃圾清运不及时臭味大", "路边垃圾成堆"]


@pytest.fixture
def world(jurisdiction, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    services._ACTIVE.clear()
    services._MODELS.clear()
    return build_world(jurisdiction)


def _history(world, n: int = 30):
    """Closed cases of two categories (history set directly: walking each through the workflow
    would only slow the test down)."""
    lamp = create_category(actor=world.system, name="路灯不亮", parent_id=world.category.parent_id)
    waste = create_category(actor=world.system, name="垃圾清运", parent_id=world.category.parent_id)
    made = []
    for i in range(n):
        for cat, texts, dept in ((lamp, LAMP, "CGJ"), (waste, WASTE, "HBJ")):
            case = world.new_case(category_id=cat.pk, description=f"{texts[i % 5]}，第{i}次反映")
            made.append(case.pk)
            Case.objects.filter(pk=case.pk).update(status="closed", lead_department=world.depts[dept])
    return lamp, waste


def _train(admin, capture):
    with capture(execute=True):
        response = admin.post("classification/models")
    assert response.status_code == 202, response.content
    return ModelVersion.objects.get(pk=response.json()["id"])


def test_train_activate_suggest_and_record_on_cases(world, django_capture_on_commit_callbacks):
    lamp, waste = _history(world)
    admin = world.api("admin")
    v1 = _train(admin, django_capture_on_commit_callbacks)
    assert v1.state == "ready" and v1.active, v1.error
    assert v1.summary["rows"] == 60 and v1.summary["category"]["cv_macro_f1"] > 0.9
    assert AuditRecord.objects.filter(action="classification.activated").count() == 1

    operator = world.api("operator")
    answer = operator.post("classification/suggest", {"text": "我家楼下路灯不亮了"}).json()
    assert answer["model_version"] == 1
    assert answer["categories"][0]["id"] == lamp.pk and answer["confident"]
    assert answer["departments"][0]["id"] == world.depts["CGJ"].pk
    # The threshold is the server's: above any confidence, the operator chooses.
    assert admin.put("classification/settings", {"threshold": 0.999}).json() == {"threshold": 0.999}
    assert not operator.post("classification/suggest", {"text": "我家楼下路灯不亮了"}).json()["confident"]
    admin.put("classification/settings", {"threshold": 0.4})

    # Every registered case carries the prediction; a different confident category is a correction.
    with django_capture_on_commit_callbacks(execute=True):
        agreed = world.new_case(category_id=lamp.pk, description="路灯不亮很久了")
        corrected = world.new_case(category_id=waste.pk, description="路灯不亮很久了")
    suggested = CaseEvent.objects.get(case=agreed, action="classification_suggested")
    assert suggested.payload["model_version"] == 1 and suggested.payload["agreed"] is True
    assert not CaseEvent.objects.filter(case=agreed, action="classification_corrected").exists()
    fix = CaseEvent.objects.get(case=corrected, action="classification_corrected")
    assert fix.payload["suggested_category_id"] == lamp.pk and fix.payload["category_id"] == waste.pk

    # A second version waits for the administrator; activating and rolling back are audited.
    v2 = _train(admin, django_capture_on_commit_callbacks)
    assert v2.state == "ready" and not v2.active
    assert v2.summary["corrections_learnt"] == 1
    assert admin.post(f"classification/models/{v2.pk}/activate").json()["version"] == 2
    assert admin.post("classification/models/rollback").json()["version"] == 1
    assert ModelVersion.objects.get(active=True).version == 1
    assert AuditRecord.objects.filter(action="classification.rolled_back").count() == 1
    assert [m["version"] for m in admin.get("classification/models").json()] == [2, 1]


def test_refusals_and_no_model(world, django_capture_on_commit_callbacks):
    operator, admin = world.api("operator"), world.api("admin")
    empty = operator.post("classification/suggest", {"text": "路灯不亮"}).json()
    assert empty["model_version"] is None and empty["categories"] == [] and not empty["confident"]
    assert operator.post("classification/models").status_code == 403
    assert admin.put("classification/settings", {"threshold": 1.5}).status_code == 422
    assert_error(admin.post("classification/models/rollback"), 422, "no_active_model")
    # Too little history: the version fails with the reason, nothing becomes active.
    failed = _train(admin, django_capture_on_commit_callbacks)
    assert failed.state == "failed" and "50" in failed.error and not failed.active
    with django_capture_on_commit_callbacks(execute=True):
        case = world.new_case()
    assert not CaseEvent.objects.filter(case=case, action="classification_suggested").exists()


def test_the_models_own_evaluation_counts_what_the_cases_became(world, django_capture_on_commit_callbacks):
    """PRODUCT.md: smart modules are evaluated too — each month, how often the model was right."""
    lamp, waste = _history(world)
    admin = world.api("admin")
    _train(admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        right = world.new_case(category_id=lamp.pk, description="路灯不亮很久了")
        wrong_then_fixed = world.new_case(category_id=waste.pk, description="小区路灯坏了")
        world.new_case(category_id=waste.pk, description="垃圾成堆发臭")
    # The dispatcher re-files the second case under the category the model had said.
    Case.objects.filter(pk=wrong_then_fixed.pk).update(category=lamp)
    del right

    (month,) = admin.get("classification/performance").json()
    assert month["version"] == 1
    assert month["suggested"] == 3 and month["confident"] == 3
    assert month["agreed_at_intake"] == 2  # the operator took two of three
    assert month["right_now"] == 3 and month["confident_right_now"] == 3
    assert month["corrected"] == 1
    assert world.api("operator").get("classification/performance").status_code == 403


def test_a_version_whose_worker_died_is_marked_failed_and_training_can_be_asked_again(
    world, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    _history(world)
    admin = world.api("admin")
    # A training whose worker never ran (the task was lost): it stays "training" and blocks the next.
    response = admin.post("classification/models")
    assert response.status_code == 202
    stuck = ModelVersion.objects.get(pk=response.json()["id"])
    assert_error(admin.post("classification/models"), 409, "training_running")
    assert services.sweep_stuck_training() == 0  # not yet: it may still be working
    ModelVersion.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=3))
    assert services.sweep_stuck_training() == 1
    stuck.refresh_from_db()
    assert stuck.state == "failed" and stuck.error
    assert AuditRecord.objects.filter(action="classification.training_abandoned").count() == 1
    assert _train(admin, django_capture_on_commit_callbacks).state == "ready"


def test_the_weekly_retraining_runs_only_when_enough_new_cases_were_closed(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from datetime import timedelta

    from django.utils import timezone

    _history(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.retrain_due()
    assert [v.state for v in ModelVersion.objects.all()] == ["ready"] and len(first) == 1
    assert ModelVersion.objects.get().source == "scheduled"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retrain_due() == []  # nothing new since
    monkeypatch.setattr(services, "RETRAIN_MIN_NEW", 10)
    Case.objects.filter(status="closed").update(closed_at=timezone.now() + timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        again = services.retrain_due()
    assert len(again) == 1
    versions = ModelVersion.objects.order_by("version")
    assert [v.version for v in versions] == [1, 2]
    # The new version waits for the administrator: the first stays active.
    assert versions[0].active and not versions[1].active


def test_a_district_with_enough_closed_cases_gets_its_first_model_by_itself(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.first_models() == []  # no closed cases yet
    _history(world)
    with django_capture_on_commit_callbacks(execute=True):
        [first] = services.first_models()
    first.refresh_from_db()
    assert first.state == "ready" and first.active and first.source == "first"
    with django_capture_on_commit_callbacks(execute=True):
        assert services.first_models() == []  # once only


def test_a_category_is_learnt_as_itself_only_with_the_support_its_districts_history_affords():
    """5 cases in a small district; in one with 14,000, 50 (the demo's 372 thin categories reached a
    macro-F1 of 0.20): a thinner category is learnt as its parent."""
    from zhiguan.intelligence.classification.queries import TrainingRow

    assert services.support(100) == 5 and services.support(5_000) == 20 and services.support(14_000) == 50
    parents = {1: None, 11: 1, 12: 1, 13: 1, 2: None}
    rows = (
        [TrainingRow("a", 11, None)] * 30
        + [TrainingRow("b", 12, None)] * 30
        + [TrainingRow("d", 13, None)] * 60
    )
    big = rows + [TrainingRow("c", 2, None)] * 13_880
    labels = services._labels(big, parents)
    # 30 and 30 below 50: both learnt as their parent (60 cases); 60 of 13 are enough for itself
    assert labels[:120] == [1] * 60 + [13] * 60
    small = rows + [TrainingRow("c", 2, None)] * 30
    assert services._labels(small, parents)[:120] == [11] * 30 + [12] * 30 + [13] * 60  # 5 are enough here
