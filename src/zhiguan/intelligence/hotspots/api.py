"""HTTP API of hot spots and hot issues, at /api/v1/hotspots/: GeoJSON and lists for the map."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from ninja import Field, Query, Router, Schema

from zhiguan.errors import InvalidInput
from zhiguan.intelligence.hotspots import hotissues, queries, stats
from zhiguan.org.auth import ActorRequest
from zhiguan.org.permissions import require
from zhiguan.schemas import Id, ParamsSchema

router = Router(tags=["hotspots"])


class HotspotWindowParams(ParamsSchema):
    days: int = Field(default=90, ge=1, le=queries.MAX_DAYS)
    category_id: Id | None = None


class HotspotGiParams(HotspotWindowParams):
    # Resolution 8 (cells ≈ 0.7 km²): at 9 a district of a few hundred cases a month leaves nearly
    # every cell empty and nothing survives the FDR correction over thousands of cells.
    resolution: int = Field(default=8, ge=7, le=10)
    permutations: int = Field(default=999, ge=0, le=9999)


class HotspotRecurringParams(HotspotWindowParams):
    window_days: int = Field(default=30, ge=1, le=366)
    min_count: int = Field(default=3, ge=2, le=1000)


class HotspotRecurringOut(Schema):
    place: str
    category: str
    count: int
    total: int
    start: datetime
    end: datetime
    numbers: list[str]


class HotspotHotIssueOut(Schema):
    rank: int
    heat: float
    title: str
    place: str
    start: datetime
    end: datetime
    size: int
    reporters: int
    numbers: list[str]


_CLAUSES = re.compile(r"[^，。！？；,.!?;:：\n]+")
# Salutations and self-introductions say nothing about the matter (尊敬的领导：您好！我是…的村民).
_NOT_A_SUBJECT = re.compile(r"^(尊敬的|敬爱的|您好|你好|领导|各位|亲爱的|我是|我们是|本人|大家好|市长|书记)")


def _first_clause(text: str) -> str:
    """The first clause that states the matter: a case's stand-in for a petition's title."""
    for clause in _CLAUSES.findall(text[:300]):
        clause = clause.strip()
        if len(clause) >= 4 and not _NOT_A_SUBJECT.match(clause):
            return clause[:40]
    return text[:40]


@router.get("/gistar", summary="Getis-Ord Gi* hot and cold spots by H3 cell (GeoJSON)")
def gistar(request: ActorRequest, params: Query[HotspotGiParams]) -> dict[str, Any]:
    require(request.auth, "case.view")
    pts = queries.points(queries.window(request.auth, days=params.days, category_id=params.category_id))
    if len(pts) < 3:
        return {"type": "FeatureCollection", "features": [], "cases": len(pts)}
    lats, lngs = zip(*pts, strict=True)
    try:
        result = stats.hotspots(lats, lngs, resolution=params.resolution, permutations=params.permutations)
    except stats.HotspotError as exc:
        raise InvalidInput(str(exc), code="hotspot_input") from exc
    return {**stats.gistar_geojson(result, only_occupied_or_significant=True), "cases": len(pts)}


@router.get(
    "/recurring",
    response=list[HotspotRecurringOut],
    summary="Recurring problems (高频诉求) by component or grid",
)
def recurring(request: ActorRequest, params: Query[HotspotRecurringParams]) -> list[dict[str, Any]]:
    require(request.auth, "case.view")
    rows = queries.recurring_records(
        queries.window(request.auth, days=params.days, category_id=params.category_id)
    )
    found = stats.recurring(rows, window=timedelta(days=params.window_days), min_count=params.min_count)
    return [
        {
            "place": r.key,
            "category": r.category,
            "count": r.count,
            "total": r.total,
            "start": r.start,
            "end": r.end,
            "numbers": r.ids,
        }
        for r in found[:100]
    ]


@router.get(
    "/hot-issues",
    response=list[HotspotHotIssueOut],
    summary="Hot issues (热点问题): requests about the same matter, hottest first",
)
def hot_issues(request: ActorRequest, params: Query[HotspotWindowParams]) -> list[dict[str, Any]]:
    require(request.auth, "case.view")
    rows = queries.hot_issue_rows(
        queries.window(request.auth, days=params.days, category_id=params.category_id)
    )
    messages = [
        hotissues.Message(
            id=r["number"],
            # A case has no subject line: its first clause stands in for the petition's title.
            title=_first_clause(r["description"]),
            text=f"{r['address']} {r['description']}".strip(),
            time=r["created_at"],
        )
        for r in rows
    ]
    found = hotissues.hot_issues(messages, window_days=float(params.days), top=20)
    return [
        {
            "rank": h.rank,
            "heat": round(h.heat, 2),
            "title": h.title,
            "place": h.place,
            "start": h.start,
            "end": h.end,
            "size": h.size,
            "reporters": h.reporters,
            "numbers": h.ids,
        }
        for h in found
    ]
