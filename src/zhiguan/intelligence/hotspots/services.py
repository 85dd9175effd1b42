"""Hot spots, recurring problems and hot issues over the cases a viewer may see (decision 083).

The statistics are the pure `stats` and `hotissues` modules; this module picks the cases
(queries) and shapes the answers the map reads.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.errors import InvalidInput
from zhiguan.intelligence.hotspots import hotissues, queries, stats
from zhiguan.org.permissions import Actor, require

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from zhiguan.cases.models import Case

_CLAUSES = re.compile(r"[^，。！？；,.!?;:：\n]+")
# Salutations and self-introductions say nothing about the matter (尊敬的领导：您好！我是…的村民).
# "再次反映" / "第三次投诉" open a repeated call and say nothing of the matter either, nor does a
# clause that only says when ("2017年3月", "近日", "本月5日上午"): a hot issue titled "2017年3月".
_WHEN = (
    r"(?:\d{2,4}年)?(?:\d{1,2}月)?(?:\d{1,2}[日号])?(?:左右|以来|开始|起|前后)?"
    rf"(?:{hotissues.DAY_PARTS}|夜里)?(?:\d{{1,2}}[点时:：]\d{{0,2}}分?)?"
)
_NOT_A_SUBJECT = re.compile(
    r"^(尊敬的|敬爱的|您好|你好|领导|各位|亲爱的|我是|我们是|本人|大家好|市长|书记|"
    r"(?:再次|又一次|又来|第.{1,3}次)(?:反映|投诉|来电|举报)$|"
    rf"(?:{hotissues.RECENT_DAYS}|日前|目前|现在|今日|本月|上月|今年|去年)?" + _WHEN + r"$)"
)


MIN_SLICES = 3  # a trend needs at least three points (Mann-Kendall)
MAX_CLUSTERS = 200  # the map shows the largest; the rest are small groups at the edge of min_samples
CLUSTER_NUMBERS = 50  # the case numbers listed per cluster
ISSUE_CASES = 50  # the requests listed (with time and excerpt) per hot issue
EXCERPT_CHARS = 80
# The map's order: what is new or growing first.
_EMERGING_ORDER = {c: i for i, c in enumerate(stats.EMERGING_CATEGORIES)}


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


def _slice_counts(
    cells: Any, times: list[datetime], starts: list[datetime], slice_days: int
) -> tuple[list[int], np.ndarray]:
    """The study area of the occupied cells and the T × N counts per slice (oldest slice first)."""
    area = stats.study_area({int(c) for c in cells})
    pos = {c: i for i, c in enumerate(area)}
    counts = np.zeros((len(starts), len(area)))
    width = timedelta(days=slice_days)
    for cell, when in zip(cells, times, strict=True):
        k = min(len(starts) - 1, max(0, int((when - starts[0]) / width)))
        counts[k, pos[int(cell)]] += 1
    return area, counts


def emerging(
    actor: Actor, *, days: int, slice_days: int, category_id: int | None, resolution: int
) -> dict[str, Any]:
    """新兴热点: Gi* in each slice of the window and the Mann-Kendall trend of each cell's z (GeoJSON).

    The window is cut into `days // slice_days` slices ending now (the remainder, the oldest days,
    is left out so every slice is equally long); fewer than three slices is refused
    (`too_few_slices`). Only cells with a pattern (not "no pattern") are returned, newest kinds first.
    """
    require(actor, "case.view")
    count = days // slice_days
    if count < MIN_SLICES:
        raise InvalidInput(
            _("At least three time slices are needed: choose a longer window or shorter slices."),
            code="too_few_slices",
            slices=count,
        )
    until = timezone.now()
    starts = [until - timedelta(days=(count - k) * slice_days) for k in range(count)]
    rows = queries.timed_points(
        queries.window(actor, days=count * slice_days, category_id=category_id, end=until)
    )
    answer: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [],
        "cases": len(rows),
        "slices": [{"start": s, "end": s + timedelta(days=slice_days)} for s in starts],
    }
    if len(rows) < 3:
        return answer
    lats, lngs, times = zip(*rows, strict=True)
    try:
        cells = stats.point_cells(lats, lngs, resolution)
        area, counts = _slice_counts(cells, list(times), starts, slice_days)
        found = stats.emerging_hotspots(area, counts)
    except stats.HotspotError as exc:
        raise InvalidInput(str(exc), code="hotspot_input") from exc
    keep = [i for i, c in enumerate(found.category) if c != "no pattern"]
    keep.sort(key=lambda i: (_EMERGING_ORDER[found.category[i]], -counts[:, i].sum()))
    answer["features"] = stats.to_geojson(
        [area[i] for i in keep],
        [
            {
                "category": found.category[i],
                "trend": found.trend[i],
                "trend_p": round(float(found.trend_p[i]), 4),
                "hot_share": round(float(found.hot_share[i]), 3),
                "z_last": round(float(found.z[-1, i]), 3),
                "counts": [int(k) for k in counts[:, i]],
                "total": int(counts[:, i].sum()),
            }
            for i in keep
        ],
    )["features"]
    return answer


def clusters(
    actor: Actor, *, days: int, category_id: int | None, eps_m: float, min_samples: int
) -> dict[str, Any]:
    """聚集区: DBSCAN clusters of the window's case points as GeoJSON, largest first.

    Each cluster is its convex hull (a point at its centroid when its cases lie on a line or at one
    spot), with its count, its most common category and the numbers and ids of its newest cases.
    """
    require(actor, "case.view")
    rows, truncated = queries.cluster_rows(queries.window(actor, days=days, category_id=category_id))
    answer: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [],
        "cases": len(rows),
        "truncated": truncated,
    }
    if not rows:
        return answer
    try:
        labels, found = stats.dbscan_clusters(
            [float(r["lat"]) for r in rows],
            [float(r["lng"]) for r in rows],
            eps_m=eps_m,
            min_samples=min_samples,
        )
    except stats.HotspotError as exc:
        raise InvalidInput(str(exc), code="hotspot_input") from exc
    features = []
    for rank, cluster in enumerate(found[:MAX_CLUSTERS], start=1):
        members = [rows[i] for i in np.flatnonzero(labels == cluster.label)]  # newest first
        top, top_count = Counter(m["category__name"] or "" for m in members).most_common(1)[0]
        lat, lng = cluster.centroid
        centre = [round(lng, 7), round(lat, 7)]
        geometry = (
            cluster.hull if cluster.hull["type"] == "Polygon" else {"type": "Point", "coordinates": centre}
        )
        features.append(
            {
                "type": "Feature",
                "id": rank,
                "geometry": geometry,
                "properties": {
                    "rank": rank,
                    "count": cluster.count,
                    "centroid": centre,
                    "radius_m": round(cluster.radius_m, 1),
                    "top_category": top,
                    "top_category_count": top_count,
                    "numbers": [m["number"] for m in members[:CLUSTER_NUMBERS]],
                    "case_ids": [m["id"] for m in members[:CLUSTER_NUMBERS]],
                },
            }
        )
    answer["features"] = features
    return answer


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


def hot_issues(
    actor: Actor,
    *,
    days: int,
    category_id: int | None,
    end: datetime | None = None,
    top: int = 20,
    within: QuerySet[Case] | None = None,
) -> list[dict[str, Any]]:
    """热点问题: the requests of the `days` before `end` (now) about the same matter, hottest first.

    Each issue carries its case numbers and ids (same order) and its first 50 requests with time
    and an excerpt, for the console's drill-down; reporters are distinct by their phone. `within`
    narrows the requests further (the monthly report: the cases its reader oversees).
    """
    require(actor, "case.view")
    qs = queries.window(actor, days=days, category_id=category_id, end=end)
    if within is not None:
        qs = qs.filter(pk__in=within.values("pk"))
    rows = queries.hot_issue_rows(qs)
    messages = [
        hotissues.Message(
            id=r["number"],
            # A case has no subject line: its first clause stands in for the petition's title.
            title=_first_clause(r["description"]),
            text=f"{r['address']} {r['description']}".strip(),
            time=r["created_at"],
            user=r["reporter"] or "",  # a phone counts one voice however often it calls
        )
        for r in rows
    ]
    found = hotissues.hot_issues(messages, window_days=float(days), top=top)
    by_number = {r["number"]: r for r in rows}
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
            "case_ids": [by_number[n]["id"] for n in h.ids],
            "cases": [
                {
                    "id": by_number[n]["id"],
                    "number": n,
                    "created_at": by_number[n]["created_at"],
                    "excerpt": _excerpt(by_number[n]["description"]),
                }
                for n in h.ids[:ISSUE_CASES]
            ],
        }
        for h in found
    ]


def _excerpt(text: str) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= EXCERPT_CHARS else f"{flat[: EXCERPT_CHARS - 1]}…"
