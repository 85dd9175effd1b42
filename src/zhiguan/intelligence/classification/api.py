"""HTTP API of classification, at /api/v1/classification/: parse, call, return."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from zhiguan.intelligence.classification import services
from zhiguan.intelligence.classification.models import ModelVersion
from zhiguan.intelligence.classification.schemas import (
    ClassificationSuggestIn,
    ClassificationSuggestionOut,
    ClassifierMonthOut,
    ClassifierSettingsOut,
    ClassifierVersionOut,
    ThresholdIn,
)
from zhiguan.org.auth import ActorRequest
from zhiguan.org.permissions import require

router = Router(tags=["classification"])


@router.post(
    "/suggest", response=ClassificationSuggestionOut, summary="Category and department for a request's text"
)
def suggest(request: ActorRequest, payload: ClassificationSuggestIn) -> dict[str, Any]:
    return services.suggest(request.auth, payload.text).payload()


@router.get("/models", response=list[ClassifierVersionOut], summary="Model versions, newest first")
def list_models(request: ActorRequest) -> list[ModelVersion]:
    require(request.auth, services.MANAGE)
    return list(
        ModelVersion.objects.filter(jurisdiction_id=request.auth.jurisdiction.pk).order_by("-version")[:50]
    )


@router.post(
    "/models", response={202: ClassifierVersionOut}, summary="Train a new version from the closed cases"
)
def train(request: ActorRequest) -> Status:
    version = services.request_training(request.auth)
    version.refresh_from_db()
    return Status(202, version)


@router.post(
    "/models/{version_id}/activate", response=ClassifierVersionOut, summary="Make a version the active one"
)
def activate(request: ActorRequest, version_id: int) -> ModelVersion:
    return services.activate(request.auth, version_id)


@router.post("/models/rollback", response=ClassifierVersionOut, summary="Go back to the previous version")
def rollback(request: ActorRequest) -> ModelVersion:
    return services.rollback(request.auth)


@router.get("/settings", response=ClassifierSettingsOut)
def get_settings(request: ActorRequest) -> dict[str, float]:
    require(request.auth, "case.create")
    return {"threshold": services.threshold(request.auth.jurisdiction.pk)}


@router.put("/settings", response=ClassifierSettingsOut, summary="Set the confidence threshold")
def put_settings(request: ActorRequest, payload: ThresholdIn) -> dict[str, float]:
    return {"threshold": services.set_threshold(request.auth, payload.threshold)}


@router.get(
    "/performance",
    response=list[ClassifierMonthOut],
    summary="How the models did on the cases they saw, by month and version (the last 12 months)",
)
def performance(request: ActorRequest) -> list[dict[str, Any]]:
    return services.online_performance(request.auth)
