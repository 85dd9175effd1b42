"""Hot spots, recurring problems and hot issues over the cases a viewer may see (decision 083).

The statistics are the pure `stats` and `hotissues` modules; this module picks the cases
(queries) and shapes the answers the map reads.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from zhiguan.errors import InvalidInput
from zhiguan.intelligence.hotspots import hotissues, queries, stats
from zhiguan.org.permissions import Actor, require

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


def gistar(
    actor: Actor, *, days: int, category_id: int | None, resolution: int, permutations: int
) -> dict[str, Any]:
    """Gi* over the window's located cases as GeoJSON (occupied or significant cells)."""
    require(actor, "case.view")
    pts = queries.points(queries.window(actor, days=days, category_id=category_id))
    if len(pts) < 3:
        return {"type": "FeatureCollection", "features": [], "cases": len(pts)}
    lats, lngs = zip(*pts, strict=True)
    try:
        result = stats.hotspots(lats, lngs, resolution=resolution, permutations=permutations)
    except stats.HotspotError as exc:
        raise InvalidInput(str(exc), code="hotspot_input") from exc
    return {**stats.gistar_geojson(result, only_occupied_or_significant=True), "cases": len(pts)}


def recurring(
    actor: Actor, *, days: int, category_id: int | None, window_days: int, min_count: int
) -> list[dict[str, Any]]:
    """高频诉求: the same category at one component or grid again and again, most repeated first."""
    require(actor, "case.view")
    rows = queries.recurring_records(queries.window(actor, days=days, category_id=category_id))
    found = stats.recurring(rows, window=timedelta(days=window_days), min_count=min_count)
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


def hot_issues(actor: Actor, *, days: int, category_id: int | None) -> list[dict[str, Any]]:
    """热点问题: the window's requests about the same matter, hottest first (the top 20)."""
    require(actor, "case.view")
    rows = queries.hot_issue_rows(queries.window(actor, days=days, category_id=category_id))
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
    found = hotissues.hot_issues(messages, window_days=float(days), top=20)
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
