"""HTTP API of duplicate detection, at /api/v1/duplicates/: parse, call, return.

- `check`: candidates for a request being registered; `cases/{number}/candidates`: for a case (合并 dialog);
- `cases/{number}/merged`: the requests merged into a case (合并的诉求);
- `settings`: automatic merging (off by default); `auto-merges`: the automatic merges to review,
  `auto-merges/{id}/confirm|undo`;
- `avoided`: duplicates avoided in a period (docs/decisions/087).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from zhiguan.cases.models import Case
from zhiguan.errors import InvalidInput
from zhiguan.intelligence.duplicates import queries, services
from zhiguan.intelligence.duplicates.models import AutoMerge, DuplicateSettings
from zhiguan.org.auth import ActorRequest
from zhiguan.org.services import mask_phone
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


class DuplicateMergedReportOut(Schema):
    number: str
    created_at: datetime
    merged_at: datetime | None
    channel: str
    reporter: str = Field(description="the first reporter's name and phone, masked")
    description: str
    callback_result: str
    automatic: bool


class DuplicateSettingsOut(Schema):
    auto_merge: bool
    threshold: float
    min_threshold: float
    updated_at: datetime | None


class DuplicateSettingsIn(InputSchema):
    auto_merge: bool
    threshold: float = Field(ge=0, le=1, allow_inf_nan=False)


class DuplicateAutoMergeOut(Schema):
    id: int
    case: str
    target: str
    case_status: str
    target_status: str
    case_description: str
    target_description: str
    score: float
    threshold: float
    reasons: list[str]
    created_at: datetime
    outcome: str
    reviewed_by: str
    reviewed_at: datetime | None
    note: str


class DuplicateReviewIn(InputSchema):
    note: str = Field(default="", max_length=255)


class DuplicateAvoidedPointOut(Schema):
    period: str
    merged: int
    requests: int
    share: float | None


class DuplicateAvoidedOut(Schema):
    since: date
    until: date
    merged: int
    automatic: int
    manual: int
    requests: int
    share: float | None
    series: list[DuplicateAvoidedPointOut]


@router.post(
    "/check",
    response=list[DuplicateCandidateOut],
    summary="Open and recent cases that are probably the same problem",
)
def check(request: ActorRequest, payload: DuplicateCheckIn) -> list[dict[str, Any]]:
    return [f.out() for f in services.check(request.auth, **payload.dict())]


@router.get(
    "/cases/{number}/candidates",
    response=list[DuplicateCandidateOut],
    summary="Open cases this case could be merged into",
)
def case_candidates(request: ActorRequest, number: str) -> list[dict[str, Any]]:
    return [f.out() for f in services.check_case(request.auth, number=number)]


def _reporter(case: Case) -> str:
    first = next(iter(case.reporters.all()), None)
    if first is None:
        return ""
    name = first.name[:1] + "*" * max(len(first.name) - 1, 1) if first.name else ""
    return " ".join(p for p in (name, mask_phone(first.phone) if first.phone else "") if p)


@router.get(
    "/cases/{number}/merged",
    response=list[DuplicateMergedReportOut],
    summary="The requests merged into a case",
)
def merged(request: ActorRequest, number: str) -> list[dict[str, Any]]:
    _case, reports = queries.merged_reports(request.auth, number=number)
    automatic = set(
        AutoMerge.objects.filter(case__in=reports).exclude(outcome="undone").values_list("case_id", flat=True)
    )
    return [
        {
            "number": r.number,
            "created_at": r.created_at,
            "merged_at": r.closed_at,
            "channel": r.channel,
            "reporter": _reporter(r),
            "description": r.description[:200],
            "callback_result": r.callback_result,
            "automatic": r.pk in automatic,
        }
        for r in reports
    ]


def _settings_out(row: DuplicateSettings) -> dict[str, Any]:
    from zhiguan.intelligence.duplicates.models import MIN_AUTO_THRESHOLD

    return {
        "auto_merge": row.auto_merge,
        "threshold": row.threshold,
        "min_threshold": MIN_AUTO_THRESHOLD,
        "updated_at": row.updated_at if row.pk else None,
    }


@router.get("/settings", response=DuplicateSettingsOut, summary="Automatic merging of duplicates")
def get_settings(request: ActorRequest) -> dict[str, Any]:
    return _settings_out(services.get_settings(request.auth))


@router.put("/settings", response=DuplicateSettingsOut, summary="Switch automatic merging, set its threshold")
def put_settings(request: ActorRequest, payload: DuplicateSettingsIn) -> dict[str, Any]:
    return _settings_out(
        services.set_auto_merge(request.auth, enabled=payload.auto_merge, threshold=payload.threshold)
    )


def _auto_out(row: AutoMerge) -> dict[str, Any]:
    return {
        "id": row.pk,
        "case": row.case.number,
        "target": row.target.number,
        "case_status": row.case.status,
        "target_status": row.target.status,
        "case_description": row.case.description[:200],
        "target_description": row.target.description[:200],
        "score": row.score,
        "threshold": row.threshold,
        "reasons": list(row.reasons),
        "created_at": row.created_at,
        "outcome": row.outcome,
        "reviewed_by": str(row.reviewed_by) if row.reviewed_by else "",
        "reviewed_at": row.reviewed_at,
        "note": row.note,
    }


@router.get("/auto-merges", response=list[DuplicateAutoMergeOut], summary="Automatic merges, for review")
def auto_merges(
    request: ActorRequest, outcome: Literal["", "pending", "kept", "undone"] = ""
) -> list[dict[str, Any]]:
    return [_auto_out(r) for r in queries.auto_merges(request.auth, outcome=outcome)]


def _reviewed(request: ActorRequest, auto_merge_id: int, keep: bool, note: str) -> dict[str, Any]:
    row = services.review(request.auth, auto_merge_id=auto_merge_id, keep=keep, note=note)
    return _auto_out(AutoMerge.objects.select_related("case", "target", "reviewed_by").get(pk=row.pk))


@router.post(
    "/auto-merges/{auto_merge_id}/confirm", response=DuplicateAutoMergeOut, summary="Keep an automatic merge"
)
def confirm(request: ActorRequest, auto_merge_id: int, payload: DuplicateReviewIn) -> dict[str, Any]:
    return _reviewed(request, auto_merge_id, True, payload.note)


@router.post(
    "/auto-merges/{auto_merge_id}/undo", response=DuplicateAutoMergeOut, summary="Undo an automatic merge"
)
def undo(request: ActorRequest, auto_merge_id: int, payload: DuplicateReviewIn) -> dict[str, Any]:
    return _reviewed(request, auto_merge_id, False, payload.note)


@router.get("/avoided", response=DuplicateAvoidedOut, summary="Duplicates avoided in a period")
def avoided(
    request: ActorRequest,
    since: date | None = None,
    until: date | None = None,
    by: Literal["day", "month"] = "day",
) -> dict[str, Any]:
    today = timezone.localdate()
    until = until or today
    since = since or until - timedelta(days=29)
    if since > until or (until - since).days > 3660:
        raise InvalidInput(_("Give a period of at most ten years, its start before its end."), field="since")
    tz = timezone.get_current_timezone()
    start = datetime.combine(since, time.min, tzinfo=tz)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
    totals = queries.avoided_count(request.auth, since=start, until=end)
    series = queries.avoided_series(request.auth, since=start, until=end, by=by)
    return {"since": since, "until": until, **totals, "series": series}
