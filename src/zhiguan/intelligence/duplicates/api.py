"""HTTP API of duplicate detection, at /api/v1/duplicates/: parse, call, return."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema

from zhiguan.intelligence.duplicates import services
from zhiguan.org.auth import ActorRequest
from zhiguan.schemas import Id, InputSchema

router = Router(tags=["duplicates"])


class DuplicateCheckIn(InputSchema):
    text: str = Field(max_length=4000)
    lng: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    category_id: Id | None = None
    phone: str = Field(default="", max_length=20)
    component_id: Id | None = None


class DuplicateCandidateOut(Schema):
    number: str
    status: str
    score: float
    duplicate: bool
    reasons: list[str]
    summary: str
    description: str


@router.post(
    "/check",
    response=list[DuplicateCandidateOut],
    summary="Open and recent cases that are probably the same problem",
)
def check(request: ActorRequest, payload: DuplicateCheckIn) -> list[dict[str, Any]]:
    return [f.out() for f in services.check(request.auth, **payload.dict())]
