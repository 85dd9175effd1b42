"""Classifier versions per jurisdiction, their activation, the threshold, and suggestions on cases.

- `request_training` records a new version and queues its training (tasks.train_version): never
  in a request. `train_version` learns the category and the lead department from the
  jurisdiction's closed cases (queries.training_rows); a category with too few cases is learnt as
  its parent. The first version that trains becomes active by itself (nothing to roll back to);
  later versions wait for the administrator.
- `activate` / `rollback` / `set_threshold` are audited changes (`classification.manage`).
- `suggest` answers the intake console as the operator types; `on_case_changed` stores the active
  model's prediction on every registered case (`classification_suggested`, with the version) and,
  where the registered category differs from a confident prediction, the correction
  (`classification_corrected`): the next training learns the corrected category.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.intelligence.classification import queries
from zhiguan.intelligence.classification.model import MIN_PER_CLASS, ModelError, TextClassifier
from zhiguan.intelligence.classification.models import (
    DEFAULT_THRESHOLD,
    ClassifierSettings,
    ModelState,
    ModelVersion,
)
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

logger = logging.getLogger(__name__)

MANAGE = "classification.manage"
MIN_ROWS = 50  # fewer closed cases than this teach nothing worth suggesting
# The platform's training cross-validates on a sample in 3 folds (the figure estimates quality; the
# model learns from every row): 14,000 demo cases over ~150 labels took over 15 minutes in 5 folds.
CV_FOLDS = 3
CV_ROWS = 4000
SUPPORT_MAX = 50  # cases a category needs, at most (see `support`)
# A version still "training" after this long lost its worker (a restart, a killed process).
STUCK_AFTER = timedelta(hours=2)
# The weekly retraining runs when at least this many cases were closed (or corrected) since the last version.
RETRAIN_MIN_NEW = 200
ACTIVE_TTL_S = 10.0  # another app server's activation reaches this one within this time


def model_dir(jurisdiction: Jurisdiction, version: int) -> Path:
    return Path(settings.VAR_DIR) / "models" / "classification" / jurisdiction.code / f"v{version}"


# ------------------------------------------------------------------------------ versions


def request_training(actor: Actor, *, source: str = "cases") -> ModelVersion:
    require(actor, MANAGE)
    with transaction.atomic():
        # One version number per jurisdiction: the jurisdiction row serialises concurrent requests.
        Jurisdiction.objects.select_for_update().filter(pk=actor.jurisdiction.pk).first()
        if ModelVersion.objects.filter(
            jurisdiction_id=actor.jurisdiction.pk, state=ModelState.TRAINING
        ).exists():
            raise Conflict(_("A model is already being trained."), code="training_running")
        last = ModelVersion.objects.filter(jurisdiction_id=actor.jurisdiction.pk).aggregate(v=Max("version"))[
            "v"
        ]
        version = ModelVersion.objects.create(
            jurisdiction_id=actor.jurisdiction.pk,
            version=(last or 0) + 1,
            source=source,
            created_by=actor.user,
        )
        audit.record(
            actor=actor,
            action="classification.training_requested",
            target=version,
            after={"version": version.version},
        )
        from zhiguan.intelligence.classification import tasks

        transaction.on_commit(lambda: tasks.train_version.delay(version.pk))
    return version


def support(rows: int) -> int:
    """How many cases a category needs to be learnt as itself rather than as its parent: 5 in a small
    district, rising with its history to 50. (The demo's 14,000 cases: 372 categories of ≥ 5 cases
    reached a hold-out macro-F1 of 0.20 after more than 18 minutes of training; the 104 of ≥ 50
    reach 0.52, and the whole training, departments included, takes about 2 minutes.)"""
    return min(SUPPORT_MAX, max(MIN_PER_CLASS, rows // 250))


def _labels(rows: list[queries.TrainingRow], parents: dict[int, int | None]) -> list[int | None]:
    """Each row's category, climbed to its parent while the category has too few rows."""
    need = support(len(rows))
    labels: list[int | None] = [r.category_id for r in rows]
    for _level in range(3):
        counts = Counter(labels)
        changed = False
        for i, label in enumerate(labels):
            if label is not None and counts[label] < need:
                labels[i] = parents.get(label)
                changed = True
        if not changed:
            break
    counts = Counter(labels)
    return [label if label is not None and counts[label] >= need else None for label in labels]


def _train_one(texts: list[str], labels: list[Any]) -> TextClassifier | None:
    keep = [(t, str(label)) for t, label in zip(texts, labels, strict=True) if label is not None]
    counts = Counter(label for _t, label in keep)
    keep = [(t, label) for t, label in keep if counts[label] >= MIN_PER_CLASS]
    if len({label for _t, label in keep}) < 2:
        return None
    return TextClassifier.train(
        texts=[t for t, _ in keep], labels=[label for _, label in keep], folds=CV_FOLDS, cv_rows=CV_ROWS
    )


def train_version(version_id: int) -> ModelVersion:
    """Train a recorded version (the background task's work); a failure is kept on the version."""
    version = ModelVersion.objects.select_related("jurisdiction").get(pk=version_id)
    if version.state != ModelState.TRAINING:
        return version
    started = time.monotonic()
    path = model_dir(version.jurisdiction, version.version)
    try:
        rows = queries.training_rows(version.jurisdiction_id)
        if len(rows) < MIN_ROWS:
            raise ModelError(
                _("Only %(n)d closed cases with a category: at least %(min)d are needed.")
                % {"n": len(rows), "min": MIN_ROWS}
            )
        texts = [r.text for r in rows]
        category = _train_one(texts, _labels(rows, queries.category_parents(version.jurisdiction_id)))
        if category is None:
            raise ModelError(_("The closed cases do not cover two categories with enough cases each."))
        department = _train_one(texts, [r.department_id for r in rows])
        path.mkdir(parents=True, exist_ok=True)
        category.save(path / "category")
        if department is not None:
            department.save(path / "department")
        summary = {
            "rows": len(rows),
            "category": _figures(category),
            "department": _figures(department) if department is not None else None,
            "corrections_learnt": queries.corrections_since(version.jurisdiction_id, None),
            "seconds": round(time.monotonic() - started, 1),
        }
    except ModelError as exc:
        version.state, version.error, version.finished_at = ModelState.FAILED, str(exc), timezone.now()
        version.save(update_fields=["state", "error", "finished_at"])
        shutil.rmtree(path, ignore_errors=True)
        return version
    with transaction.atomic():
        version.state, version.path, version.summary = ModelState.READY, str(path), summary
        version.finished_at = timezone.now()
        version.save(update_fields=["state", "path", "summary", "finished_at"])
        actor = Actor.system(version.jurisdiction)
        audit.record(
            actor=actor,
            action="classification.trained",
            target=version,
            after={"version": version.version, **summary},
        )
        if not ModelVersion.objects.filter(jurisdiction_id=version.jurisdiction_id, active=True).exists():
            _switch(actor, version, reason="first")
    return version


def sweep_stuck_training(*, now: Any = None) -> int:
    """Versions left "training" by a worker that died are marked failed, so that training can be asked again."""
    now = now or timezone.now()
    stuck = ModelVersion.objects.filter(state=ModelState.TRAINING, created_at__lt=now - STUCK_AFTER)
    n = 0
    for version in stuck.select_related("jurisdiction"):
        version.state, version.finished_at = ModelState.FAILED, now
        version.error = _("Training stopped without finishing (its worker was interrupted); train again.")
        version.save(update_fields=["state", "error", "finished_at"])
        audit.record(
            actor=Actor.system(version.jurisdiction),
            action="classification.training_abandoned",
            target=version,
            after={"version": version.version},
        )
        n += 1
    return n


def retrain_due(*, now: Any = None) -> list[ModelVersion]:
    """The weekly retraining: a new version for each jurisdiction whose closed cases or operators'
    corrections have grown by RETRAIN_MIN_NEW since its last version (or that has none yet and enough
    cases). The new version is not activated over an active one: the administrator compares and decides."""
    sweep_stuck_training(now=now)
    started = []
    for jurisdiction in Jurisdiction.objects.filter(active=True).order_by("code"):
        last = (
            ModelVersion.objects.filter(jurisdiction=jurisdiction)
            .exclude(state=ModelState.FAILED)
            .order_by("-version")
            .first()
        )
        learned = Case.objects.filter(jurisdiction=jurisdiction, status__in=queries.LEARNED_STATUSES)
        if last is None:
            due = learned.count() >= MIN_ROWS
        else:
            new = learned.filter(closed_at__gt=last.created_at).count()
            new += queries.corrections_since(jurisdiction.pk, last.created_at)
            due = new >= RETRAIN_MIN_NEW
        if not due:
            continue
        try:
            started.append(request_training(Actor.system(jurisdiction), source="scheduled"))
        except Conflict:
            continue  # a training is running already
    return started


def first_models() -> list[ModelVersion]:
    """A first version for each jurisdiction that has none yet and enough closed cases (a new district,
    the demo): hourly, so that suggestions start without anyone asking. It activates itself (there is
    no other); from then on the weekly retraining and the administrator take over."""
    started = []
    for jurisdiction in Jurisdiction.objects.filter(active=True).order_by("code"):
        if ModelVersion.objects.filter(jurisdiction=jurisdiction).exists():
            continue
        learned = Case.objects.filter(jurisdiction=jurisdiction, status__in=queries.LEARNED_STATUSES)
        if learned.count() < MIN_ROWS:
            continue
        try:
            started.append(request_training(Actor.system(jurisdiction), source="first"))
        except Conflict:
            continue
    return started


def _figures(model: TextClassifier) -> dict[str, Any]:
    meta = model.meta
    return {
        k: meta.get(k)
        for k in (
            "rows",
            "rows_per_label",
            "cv_macro_f1",
            "cv_accuracy",
            "cv_f1_per_label",
            "cv_folds",
            "cv_rows",
        )
    }


def _switch(actor: Actor, version: ModelVersion, *, reason: str) -> ModelVersion:
    before = ModelVersion.objects.filter(jurisdiction_id=version.jurisdiction_id, active=True).first()
    ModelVersion.objects.filter(jurisdiction_id=version.jurisdiction_id, active=True).update(active=False)
    version.active, version.activated_at = True, timezone.now()
    version.save(update_fields=["active", "activated_at"])
    audit.record(
        actor=actor,
        action="classification.activated" if reason != "rollback" else "classification.rolled_back",
        target=version,
        before={"version": before.version if before else None},
        after={"version": version.version, "reason": reason},
    )
    _ACTIVE.pop(version.jurisdiction_id, None)
    return version


def activate(actor: Actor, version_id: int) -> ModelVersion:
    require(actor, MANAGE)
    with transaction.atomic():
        version = (
            ModelVersion.objects.select_for_update()
            .filter(pk=version_id, jurisdiction_id=actor.jurisdiction.pk)
            .first()
        )
        if version is None:
            raise NotFound()
        if version.state != ModelState.READY:
            raise InvalidInput(_("Only a trained model can be activated."), code="model_not_ready")
        if version.active:
            return version
        return _switch(actor, version, reason="activate")


def rollback(actor: Actor) -> ModelVersion:
    """Back to the newest ready version older than the active one."""
    require(actor, MANAGE)
    with transaction.atomic():
        versions = ModelVersion.objects.select_for_update().filter(jurisdiction_id=actor.jurisdiction.pk)
        current = versions.filter(active=True).first()
        if current is None:
            raise InvalidInput(_("No model is active."), code="no_active_model")
        previous = (
            versions.filter(state=ModelState.READY, version__lt=current.version).order_by("-version").first()
        )
        if previous is None:
            raise InvalidInput(_("There is no earlier trained model to go back to."), code="no_earlier_model")
        return _switch(actor, previous, reason="rollback")


def threshold(jurisdiction_id: int) -> float:
    row = ClassifierSettings.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return row.threshold if row is not None else DEFAULT_THRESHOLD


def set_threshold(actor: Actor, value: float) -> float:
    require(actor, MANAGE)
    if not 0.0 <= value <= 1.0:
        raise InvalidInput(
            _("The threshold is a share between 0 and 1."), code="bad_threshold", field="threshold"
        )
    with transaction.atomic():
        row, _created = ClassifierSettings.objects.select_for_update().get_or_create(
            jurisdiction_id=actor.jurisdiction.pk
        )
        before = row.threshold
        row.threshold = round(value, 3)
        row.save(update_fields=["threshold", "updated_at"])
        audit.record(
            actor=actor,
            action="classification.threshold_set",
            target=row,
            before={"threshold": before},
            after={"threshold": row.threshold},
        )
    return row.threshold


# ------------------------------------------------------------------------------ suggestions

# jurisdiction id -> (checked at, (version id, version number, path) or None); loaded models by
# version id: one model in memory per process, replaced when another version becomes active.
_ACTIVE: dict[int, tuple[float, tuple[int, int, str] | None]] = {}
_MODELS: dict[int, tuple[TextClassifier, TextClassifier | None]] = {}
_LOCK = threading.Lock()


def _active_models(jurisdiction_id: int) -> tuple[int, TextClassifier, TextClassifier | None] | None:
    now = time.monotonic()
    seen = _ACTIVE.get(jurisdiction_id)
    if seen is None or now - seen[0] > ACTIVE_TTL_S:
        row = (
            ModelVersion.objects.filter(jurisdiction_id=jurisdiction_id, active=True)
            .values_list("pk", "version", "path")
            .first()
        )
        seen = (now, row)
        _ACTIVE[jurisdiction_id] = seen
    if seen[1] is None:
        return None
    pk, number, where = seen[1]
    with _LOCK:
        if pk not in _MODELS:
            path = Path(where)
            try:
                category = TextClassifier.load(path / "category")
                department = (
                    TextClassifier.load(path / "department") if (path / "department").exists() else None
                )
            except ModelError:
                logger.exception(
                    "classification model v%s of jurisdiction %s cannot be read", number, jurisdiction_id
                )
                return None
            _MODELS.clear()
            _MODELS[pk] = (category, department)
        category, department = _MODELS[pk]
    return number, category, department


@dataclass
class Suggestion:
    version: int | None
    threshold: float
    categories: list[dict[str, Any]]  # best first: id, code, name, confidence
    departments: list[dict[str, Any]]
    confident: bool  # the best category reaches the threshold: the console may fill the field

    def payload(self) -> dict[str, Any]:
        return {
            "model_version": self.version,
            "threshold": self.threshold,
            "categories": self.categories,
            "departments": self.departments,
            "confident": self.confident,
        }


def predict(jurisdiction_id: int, text: str) -> Suggestion | None:
    active = _active_models(jurisdiction_id)
    if active is None or not text.strip():
        return None
    number, category_model, department_model = active
    best = category_model.predict_one(text, top=3)
    ids = [int(label) for label, _p in best.alternatives]
    known = {
        c.pk: c
        for c in Category.objects.filter(pk__in=ids, jurisdiction_id=jurisdiction_id, retired_at__isnull=True)
    }
    categories = [
        {
            "id": int(label),
            "code": known[int(label)].code,
            "name": known[int(label)].path_name or known[int(label)].name,
            "confidence": p,
        }
        for label, p in best.alternatives
        if int(label) in known
    ]
    departments: list[dict[str, Any]] = []
    if department_model is not None:
        alt = department_model.predict_one(text, top=2).alternatives
        names = dict(
            Department.objects.filter(
                pk__in=[int(d) for d, _ in alt], jurisdiction_id=jurisdiction_id
            ).values_list("pk", "name")
        )
        departments = [
            {"id": int(d), "name": names[int(d)], "confidence": p} for d, p in alt if int(d) in names
        ]
    limit = threshold(jurisdiction_id)
    confident = bool(categories) and best.alternatives[0][1] >= limit and ids[0] in known
    return Suggestion(number, limit, categories, departments, confident)


def suggest(actor: Actor, text: str) -> Suggestion:
    require(actor, "case.create")
    found = predict(actor.jurisdiction.pk, text)
    if found is None:
        return Suggestion(None, threshold(actor.jurisdiction.pk), [], [], False)
    return found


def online_performance(actor: Actor, *, months: int = 12) -> list[dict[str, Any]]:
    """The smart module's own evaluation (PRODUCT.md, 大考核): its suggestions against what the
    cases became, month by month, for those who manage the models."""
    require(actor, MANAGE)
    since = timezone.now() - timedelta(days=31 * months)
    return queries.online_performance(actor.jurisdiction.pk, since=since)


def on_case_changed(sender: Any, case_id: int, event_id: int, action: str = "", **kwargs: Any) -> None:
    """`case_changed` listener: the active model's prediction on each registered case."""
    if action != "register":
        return
    case = (
        Case.objects.filter(pk=case_id)
        .select_related("jurisdiction")
        .only("id", "jurisdiction", "description", "category_id")
        .first()
    )
    if case is None:
        return
    suggestion = predict(case.jurisdiction_id, case.description)
    if suggestion is None or not suggestion.categories:
        return
    actor = Actor.system(case.jurisdiction)
    best = suggestion.categories[0]
    payload = {**suggestion.payload(), "agreed": best["id"] == case.category_id}
    cases.annotate(actor=actor, case_id=case.pk, action="classification_suggested", payload=payload)
    if suggestion.confident and best["id"] != case.category_id:
        registered_by = CaseEvent.objects.filter(pk=event_id).values_list("actor_label", flat=True).first()
        cases.annotate(
            actor=actor,
            case_id=case.pk,
            action="classification_corrected",
            payload={
                "model_version": suggestion.version,
                "suggested_category_id": best["id"],
                "category_id": case.category_id,
                "by": registered_by or "",
            },
        )
