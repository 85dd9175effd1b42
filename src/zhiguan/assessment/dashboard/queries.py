"""The dashboard's one snapshot: every tile for one viewer, one area and one day (decision 090).

Reads only through the data scope: cases through `cases.queries` (never written here), the
supervision board through `supervision.queries.board`, hot issues and hot spots through
`intelligence.hotspots.services`. Two sources give the same numbers (a test holds them equal):

- the rollups (`DayFlow`, `DayTotal`, `DayStock`), for a viewer who sees the whole jurisdiction
  and the district or one street — the large screen's usual view: a few thousand small rows
  whatever the number of cases;
- live group-bys over the visible cases for anything narrower (a community, a grid, a viewer
  with a department's scope), where the cases are few.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhiguan.assessment.dashboard import rollups, vitals
from zhiguan.assessment.dashboard.models import DayArea, DayFlow, DayTotal, OpenNow
from zhiguan.cases.filters import CaseFilter
from zhiguan.cases.models import Case, Channel, RequestType
from zhiguan.cases.queries import filtered
from zhiguan.cases.status import OPEN_STATUSES
from zhiguan.errors import NotFound
from zhiguan.geo.models import Area, AreaLevel
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import Actor, require

VIEW = "supervision.view"
TREND_MONTHS = 12
SLOW_TILE_SECONDS = 300  # hot issues and hot spots: recomputed at most every five minutes
CHILD_FIELD: dict[str, str] = {
    AreaLevel.DISTRICT: "street_id",
    AreaLevel.STREET: "community_id",
    AreaLevel.COMMUNITY: "grid_id",
}
AREA_FIELD: dict[str, str] = {
    AreaLevel.STREET: "street_id",
    AreaLevel.COMMUNITY: "community_id",
    AreaLevel.GRID: "grid_id",
}


@dataclass
class Place:
    """Where the screen looks: the district (area None) or one street, community or grid."""

    level: str
    area: Area | None
    trail: list[Area] = field(default_factory=list)

    @property
    def case_filter(self) -> CaseFilter:
        if self.area is None:
            return CaseFilter(**{})
        narrowed: dict[str, Any] = {AREA_FIELD[self.level]: self.area.pk}
        return CaseFilter(**narrowed)


def place(actor: Actor, *, street_id: int | None, community_id: int | None, grid_id: int | None) -> Place:
    """The deepest area named (grid, else community, else street), with its trail up to the street."""
    wanted = [(AreaLevel.GRID, grid_id), (AreaLevel.COMMUNITY, community_id), (AreaLevel.STREET, street_id)]
    for level, pk in wanted:
        if pk is None:
            continue
        # Only the fields the screen shows: an area's boundary (WKB) is large, and loading every
        # area of the district to find two parents was half of a street's snapshot.
        areas = Area.objects.filter(jurisdiction_id=actor.jurisdiction.pk).only(
            "id", "level", "code", "name", "parent_id"
        )
        area = areas.filter(level=level, pk=pk).first()
        if area is None:
            raise NotFound()
        trail = [area]
        node = area
        while node.parent_id and len(trail) < 4:  # grid → community → street (the district ends it)
            parent = areas.filter(pk=node.parent_id).first()
            if parent is None or parent.level == AreaLevel.DISTRICT:
                break
            node = parent
            trail.insert(0, node)
        return Place(level=level, area=area, trail=trail)
    return Place(level=AreaLevel.DISTRICT, area=None)


def _uses_rollups(actor: Actor, where: Place) -> bool:
    whole = actor.scope_for("case.view") == DataScope.JURISDICTION
    return whole and where.level in (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


def _rollup(model: Any, actor: Actor, where: Place) -> QuerySet[Any]:
    qs = model.objects.filter(jurisdiction_id=actor.jurisdiction.pk)
    if where.area is None:
        return qs
    return qs.filter(**{AREA_FIELD[where.level]: where.area.pk})


def _empty_flow() -> dict[str, int]:
    return dict.fromkeys(rollups.FLOW_SUMS, 0)


class Source:
    """The four questions every tile is answered from, by rollups or by live reads."""

    def __init__(self, actor: Actor, where: Place):
        self.actor, self.where = actor, where
        self.rollups = _uses_rollups(actor, where)

    def cases(self) -> QuerySet[Case]:
        return filtered(self.actor, self.where.case_filter)

    def flow(self, start: date, end: date) -> list[dict[str, Any]]:
        """Registered in [start, end): per channel and request type, the flow measures."""
        if self.rollups:
            rows = (
                _rollup(DayFlow, self.actor, self.where)
                .filter(day__gte=start, day__lt=end)
                .values("channel", "request_type")
                .annotate(**{k: Sum(k) for k in rollups.FLOW_SUMS})
            )
        else:
            rows = (
                rollups.with_cohandled(
                    self.cases().filter(
                        created_at__gte=rollups.day_start(start), created_at__lt=rollups.day_start(end)
                    )
                )
                .values("channel", "request_type")
                .annotate(**rollups.flow_counts())
            )
        return [dict(r) for r in rows.order_by()]

    def daily(self, start: date, end: date) -> dict[date, int]:
        """Registered per day in [start, end)."""
        if self.rollups:
            # A community's days from `DayArea`; the district's and a street's from the smaller `DayTotal`.
            model = DayArea if self.where.level == AreaLevel.COMMUNITY else DayTotal
            rows = (
                _rollup(model, self.actor, self.where)
                .filter(day__gte=start, day__lt=end)
                .values("day")
                .annotate(n=Sum("registered"))
            )
            return {r["day"]: int(r["n"]) for r in rows.order_by()}
        day = TruncDate("created_at", tzinfo=timezone.get_current_timezone())
        live = (
            self.cases()
            .filter(created_at__gte=rollups.day_start(start), created_at__lt=rollups.day_start(end))
            .annotate(_day=day)
            .values("_day")
            .annotate(n=Count("id"))
        )
        return {r["_day"]: int(r["n"]) for r in live.order_by()}

    def stock(self) -> list[dict[str, Any]]:
        """Open cases per lead department and warning level."""
        if self.rollups:
            rows = (
                _rollup(OpenNow, self.actor, self.where)
                .values("department_id", "warning_level")
                .annotate(n=Sum("open"))
            )
        else:
            rows = (
                self.cases()
                .filter(status__in=OPEN_STATUSES)
                .values("warning_level", department_id=F("lead_department_id"))
                .annotate(n=Count("id"))
            )
        return [
            {"department_id": r["department_id"], "warning_level": r["warning_level"], "n": int(r["n"])}
            for r in rows.order_by()
        ]

    def children(self, month_start: date, end: date) -> dict[int, dict[str, int]]:
        """Per child area (street, community or grid): registered this month, open and overdue."""
        child = CHILD_FIELD.get(self.where.level)
        if child is None:
            return {}
        out: dict[int, dict[str, int]] = defaultdict(lambda: {"month": 0, "open": 0, "red": 0})
        if self.rollups:
            # District → its streets, a street → its communities, a community → its grids.
            registered = (
                _rollup(DayArea, self.actor, self.where)
                .filter(day__gte=month_start, day__lt=end)
                .exclude(**{f"{child}__isnull": True})
                .values(child)
                .annotate(n=Sum("registered"))
            )
            for r in registered.order_by():
                out[r[child] or 0]["month"] = int(r["n"] or 0)
            opened = (
                _rollup(OpenNow, self.actor, self.where)
                .exclude(**{f"{child}__isnull": True})
                .values(child)
                .annotate(n=Sum("open"), red=Sum("open", filter=Q(warning_level="red")))
            )
            for r in opened.order_by():
                out[r[child] or 0].update(open=int(r["n"] or 0), red=int(r["red"] or 0))
            return dict(out)
        opened = Q(status__in=OPEN_STATUSES)
        rows = (
            self.cases()
            .exclude(**{f"{child}__isnull": True})
            .values(child)
            .annotate(
                month=Count(
                    "id",
                    filter=Q(
                        created_at__gte=rollups.day_start(month_start), created_at__lt=rollups.day_start(end)
                    ),
                ),
                open=Count("id", filter=opened),
                red=Count("id", filter=opened & Q(warning_level="red")),
            )
        )
        return {r[child]: {"month": r["month"], "open": r["open"], "red": r["red"]} for r in rows.order_by()}


# -- the snapshot ------------------------------------------------------------------------------------


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _shift_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), clipped to the month's last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _pct(now: int, before: int) -> float | None:
    return None if before == 0 else round((now - before) * 100.0 / before, 1)


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part * 100.0 / whole, 1)


def _by(rows: list[dict[str, Any]], key: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    totals: dict[str, int] = defaultdict(int)
    for r in rows:
        totals[r[key]] += int(r["registered"])
    return [
        {"code": code, "label": labels.get(code, code), "count": n}
        for code, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _sum(rows: list[dict[str, Any]]) -> dict[str, int]:
    out = _empty_flow()
    for r in rows:
        for k in rollups.FLOW_SUMS:
            out[k] += int(r[k] or 0)
    return out


def trend(days: dict[date, int], today: date) -> dict[str, Any]:
    """Twelve months of registrations with the same months a year before; month-to-date 月环比 and 同比.

    Month-on-month and year-on-year compare like with like: this month's first `today.day` days
    with the same days of the previous month and of the same month last year.
    """
    this_month = _month_start(today)
    by_month: dict[date, int] = defaultdict(int)
    for d, n in days.items():  # one pass: 24 months were 24 passes over two years of days
        by_month[_month_start(d)] += n
    months = []
    for back in range(TREND_MONTHS - 1, -1, -1):
        start = _shift_months(this_month, -back)
        months.append(
            {
                "month": start.strftime("%Y-%m"),
                "count": by_month.get(start, 0),
                "last_year": by_month.get(_shift_months(start, -12), 0),
            }
        )
    mtd = sum(n for d, n in days.items() if this_month <= d <= today)
    prev_start = _shift_months(this_month, -1)
    prev = sum(n for d, n in days.items() if prev_start <= d <= _shift_months(today, -1) and d < this_month)
    ly_start = _shift_months(this_month, -12)
    ly = sum(n for d, n in days.items() if ly_start <= d <= _shift_months(today, -12))
    return {
        "months": months,
        "month_to_date": mtd,
        "previous_month_to_date": prev,
        "last_year_month_to_date": ly,
        "mom_pct": _pct(mtd, prev),
        "yoy_pct": _pct(mtd, ly),
    }


def _departments(actor: Actor, stock: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from zhiguan.org.models import Department

    rows: dict[int, dict[str, int]] = defaultdict(lambda: {"open": 0, "yellow": 0, "red": 0})
    for r in stock:
        if r["department_id"] is None:
            continue
        row = rows[r["department_id"]]
        row["open"] += r["n"]
        if r["warning_level"] in ("yellow", "red"):
            row[r["warning_level"]] += r["n"]
    names = dict(
        Department.objects.filter(jurisdiction_id=actor.jurisdiction.pk, pk__in=list(rows)).values_list(
            "pk", "name"
        )
    )
    out: list[dict[str, Any]] = [
        {"department_id": pk, "name": names[pk], **counts} for pk, counts in rows.items() if pk in names
    ]
    return sorted(out, key=lambda r: (-r["red"], -r["open"], r["name"]))[:12]


def _areas_out(where: Place, counts: dict[int, dict[str, int]], actor: Actor) -> list[dict[str, Any]]:
    below: dict[str, str] = {
        AreaLevel.DISTRICT: AreaLevel.STREET,
        AreaLevel.STREET: AreaLevel.COMMUNITY,
        AreaLevel.COMMUNITY: AreaLevel.GRID,
    }
    child_level = below.get(where.level)
    if child_level is None:
        return []
    qs = Area.objects.filter(jurisdiction_id=actor.jurisdiction.pk, level=child_level, active=True)
    if where.area is not None:
        qs = qs.filter(parent_id=where.area.pk)
    out = []
    for a in qs.only("id", "code", "name", "level", "centroid_lat", "centroid_lng"):
        c = counts.get(a.pk, {"month": 0, "open": 0, "red": 0})
        out.append(
            {
                "id": a.pk,
                "level": a.level,
                "code": a.code,
                "name": a.name,
                "lat": a.centroid_lat,
                "lng": a.centroid_lng,
                **c,
            }
        )
    return sorted(out, key=lambda r: (-r["open"], r["code"]))


INLINE_SLOW_TILES = 3000  # below this many cases in the window, a missing tile is computed at once


PLACE_FIELDS = ("street_id", "community_id", "grid_id")


def _hot_issues_of(system: Actor) -> list[dict[str, Any]]:
    from zhiguan.intelligence.hotspots import services

    issues = services.hot_issues(system, days=7, category_id=None)
    # Each case's street, community and grid, beside its id: a street's or a grid's screen then
    # narrows the issues without asking the database about thousands of ids on every refresh
    # (that one query was 190 ms of a 230 ms snapshot at a million cases).
    ids = {c for i in issues for c in i.get("case_ids", ())}
    where = {
        pk: list(rest)
        for pk, *rest in filtered(system, CaseFilter(**{}))
        .filter(pk__in=ids)
        .values_list("pk", *PLACE_FIELDS)
    }
    for i in issues:
        if "case_ids" in i:
            i["places"] = [where.get(c, [None, None, None]) for c in i["case_ids"]]
    return issues


def _hot_spots_of(system: Actor) -> list[dict[str, Any]]:
    import shapely

    from zhiguan.intelligence.hotspots import services

    result = services.gistar(system, days=30, category_id=None, resolution=8, permutations=99)
    spots = []
    for f in result.get("features", []):
        props = f.get("properties", {})
        if int(props.get("bin", 0)) <= 0:
            continue
        centre = shapely.geometry.shape(f["geometry"]).centroid
        spots.append(
            {"lat": centre.y, "lng": centre.x, "count": int(props.get("count", 0)), "bin": int(props["bin"])}
        )
    return sorted(spots, key=lambda s: (-s["bin"], -s["count"]))[:60]


def _slow_key(jurisdiction_id: int) -> str:
    return f"dashboard:slow:{jurisdiction_id}"


def compute_slow_tiles(jurisdiction_id: int) -> dict[str, Any]:
    """Hot issues (7 days) and Gi* hot spots (30 days) of the whole jurisdiction, into the cache.

    Seconds to minutes at a million cases: run by the periodic task `dashboard.slow_tiles`, never
    on a screen's request. Each viewer then sees only what their scope and area hold (below).
    """
    from zhiguan.tenancy.models import Jurisdiction

    system = Actor.system(Jurisdiction.objects.get(pk=jurisdiction_id))
    tiles = {"hot_issues": _hot_issues_of(system), "hot_spots": _hot_spots_of(system)}
    cache.set(_slow_key(jurisdiction_id), tiles, SLOW_TILE_SECONDS * 3)
    return tiles


def _slow_tiles(actor: Actor) -> dict[str, Any]:
    """The cached slow tiles; when missing, computed at once for a small district, else started in
    the background (the screen shows them on a later refresh)."""
    j = actor.jurisdiction.pk
    tiles: dict[str, Any] | None = cache.get(_slow_key(j))
    if tiles is not None:
        return tiles
    since = timezone.now() - timedelta(days=30)
    if (
        Case.objects.filter(jurisdiction_id=j, created_at__gte=since)[:INLINE_SLOW_TILES].count()
        < INLINE_SLOW_TILES
    ):
        return compute_slow_tiles(j)
    if cache.add(f"{_slow_key(j)}:running", 1, SLOW_TILE_SECONDS):
        import threading

        from django.db import close_old_connections

        def run() -> None:
            try:
                compute_slow_tiles(j)
            finally:
                close_old_connections()

        threading.Thread(target=run, name="dashboard-slow-tiles", daemon=True).start()
    return {"hot_issues": [], "hot_spots": []}


def hot_issues(actor: Actor, where: Place, issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The week's hot issues, narrowed to the cases the viewer may see in the area."""
    whole = actor.scope_for("case.view") == DataScope.JURISDICTION
    if where.area is not None or not whole:
        if whole and all(len(i.get("places", ())) == len(i["numbers"]) for i in issues):
            # One who sees the whole district looking at an area: by the places kept with the issues.
            k = PLACE_FIELDS.index(AREA_FIELD[where.level])
            pk = where.area.pk if where.area is not None else None
            issues = [
                {**i, "numbers": [n for n, p in zip(i["numbers"], i["places"], strict=True) if p[k] == pk]}
                for i in issues
            ]
        elif all(len(i.get("case_ids", ())) == len(i["numbers"]) for i in issues):
            # By primary key (the issues carry their cases' ids, in the order of their numbers).
            ids = {c for i in issues for c in i["case_ids"]}
            seen = set(filtered(actor, where.case_filter).filter(pk__in=ids).values_list("pk", flat=True))
            issues = [
                {**i, "numbers": [n for n, c in zip(i["numbers"], i["case_ids"], strict=True) if c in seen]}
                for i in issues
            ]
        else:
            numbers = {n for i in issues for n in i["numbers"]}
            inside = set(
                filtered(actor, where.case_filter).filter(number__in=numbers).values_list("number", flat=True)
            )
            issues = [{**i, "numbers": [n for n in i["numbers"] if n in inside]} for i in issues]
        issues = [{**i, "size": len(i["numbers"])} for i in issues if i["numbers"]]
    return [
        {
            "rank": k + 1,
            "title": i["title"],
            "place": i["place"],
            "size": i["size"],
            "heat": i["heat"],
            "numbers": i["numbers"][:50],
        }
        for k, i in enumerate(issues[:10])
    ]


def duplicates_avoided(merged: int) -> dict[str, Any]:
    """Duplicates avoided: the requests registered in the period that are merged into another case
    now. That is exactly `intelligence.duplicates.queries.avoided_count(...)["merged"]` (decision
    087; a test holds them equal), taken here from the rollups so that it follows the area and the
    live updates like every other tile."""
    return {"count": merged, "source": "merged_cases"}


def snapshot(
    actor: Actor,
    *,
    street_id: int | None = None,
    community_id: int | None = None,
    grid_id: int | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Every tile of the dashboard for the viewer and the area (the whole district by default)."""
    require(actor, VIEW)
    require(actor, "case.view")
    where = place(actor, street_id=street_id, community_id=community_id, grid_id=grid_id)
    version = rollups.ensure_built(actor.jurisdiction.pk)
    now = timezone.now()
    today = today or timezone.localdate(now)
    tomorrow = today + timedelta(days=1)
    month_start = _month_start(today)
    src = Source(actor, where)
    slow = _slow_tiles(actor)
    today_rows = src.flow(today, tomorrow)
    month_rows = src.flow(month_start, tomorrow)
    month = _sum(month_rows)
    days = src.daily(_shift_months(month_start, -(TREND_MONTHS + 12)), tomorrow)
    stock = src.stock()
    levels = {"green": 0, "yellow": 0, "red": 0}
    for r in stock:
        levels[r["warning_level"]] = levels.get(r["warning_level"], 0) + r["n"]
    channels = {code: str(label) for code, label in Channel.choices}
    types = {code: str(label) for code, label in RequestType.choices}
    return {
        "version": version,
        "data_as_of": now,
        "today": today,
        "month_from": month_start,
        "source": "rollups" if src.rollups else "live",
        "area": {
            "level": where.level,
            "id": where.area.pk if where.area else None,
            "name": where.area.name if where.area else actor.jurisdiction.name,
            "trail": [{"level": a.level, "id": a.pk, "name": a.name} for a in where.trail],
        },
        "requests_today": {
            "total": _sum(today_rows)["registered"],
            "by_channel": _by(today_rows, "channel", channels),
            "by_type": _by(today_rows, "request_type", types),
        },
        "requests_month": {
            "total": month["registered"],
            "by_channel": _by(month_rows, "channel", channels),
            "by_type": _by(month_rows, "request_type", types),
        },
        "open": {"total": sum(levels.values()), **levels},
        "departments": _departments(actor, stock),
        "satisfaction": {
            "rated": month["rated"],
            "satisfied": month["satisfied"],
            "pct": _share(month["satisfied"], month["rated"]),
        },
        "answered_at_intake": {
            "count": month["answered"],
            "of": month["registered"],
            "pct": _share(month["answered"], month["registered"]),
        },
        "cohandled": {
            "count": month["cohandled"],
            "of": month["registered"],
            "pct": _share(month["cohandled"], month["registered"]),
        },
        "duplicates_avoided": duplicates_avoided(month["merged"]),
        "trend": trend(days, today),
        "areas": _areas_out(where, src.children(month_start, tomorrow), actor),
        "hot_issues": hot_issues(actor, where, slow["hot_issues"]),
        # Hot spots of the whole district: only for those who see it whole.
        "hot_spots": slow["hot_spots"] if where.area is None and src.rollups else [],
        "vital_signs": vitals.collect(
            actor, level=where.level, area_id=where.area.pk if where.area else None
        ),
    }
