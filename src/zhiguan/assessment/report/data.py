"""The figures of one month's comprehensive analysis report (综合分析月报), for one reader.

`gather(actor, month)` reads every figure through the reader's data scope: the cases are
`restrict(actor, Case, "supervision.view")`, so a leader who oversees one street or one bureau gets
a report of exactly that street's or bureau's cases. Nothing here writes.

Comparisons: the whole month against the whole previous month (环比) and the same month a year
before (同比). "Overdue" and "on time" are the handling-stage deadlines (`CaseDeadline`, stage
handle) of the month's cases, as the deadline engine decided them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.assessment import months
from zhiguan.assessment.evaluation import queries as evaluation_queries
from zhiguan.cases.models import Case, CaseDeadline, Channel, RequestType
from zhiguan.cases.models.case import CallbackResult
from zhiguan.cases.models.work import Stage
from zhiguan.cases.status import OPEN_STATUSES, Status
from zhiguan.errors import InvalidInput
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import Actor, require, restrict

VIEW = "supervision.view"
HISTORY_MONTHS = 25  # the chart: this month and two years before it
NOTABLE = 5
MODEL_LABELS = {
    "snaive": "季节朴素模型（上年同月）",
    "wmean4": "近三月均值",
    "ets": "指数平滑模型（Holt-Winters）",
    "sarima": "季节 ARIMA 模型",
    "dhr": "谐波回归模型",
    "combo": "组合模型（回测最优的三个模型取均值）",
    "naive": "朴素模型",
}
SATISFIED = (CallbackResult.SATISFIED, CallbackResult.BASICALLY_SATISFIED)


def parse_month(text: str) -> date:
    """'2026-10' → date(2026, 10, 1); 422 `bad_month` for anything else or a month not yet begun."""
    month = months.parse(text, code="bad_month")
    if month > timezone.localdate().replace(day=1):
        raise InvalidInput(_("This month has not begun yet."), code="future_month", field="month")
    return month


shift = months.shift


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _pct(now: float, before: float) -> float | None:
    return None if not before else round((now - before) * 100.0 / before, 1)


def _share(part: float, whole: float) -> float | None:
    return None if not whole else round(part * 100.0 / whole, 1)


def scope_label(actor: Actor) -> str:
    """Whose figures these are: the district, or the reader's department when their scope is narrower."""
    scope = actor.scope_for(VIEW)
    if scope == DataScope.JURISDICTION or actor.department is None:
        return actor.jurisdiction.name
    return f"{actor.jurisdiction.name} · {actor.department.name}"


def visible(actor: Actor) -> QuerySet[Case]:
    """Every case the reader oversees (supervision.view), whatever their registration time."""
    require(actor, "case.view")
    return restrict(actor, Case.objects.all(), VIEW)


def _in_month(qs: QuerySet[Case], month: date) -> QuerySet[Case]:
    return qs.filter(created_at__gte=_start(month), created_at__lt=_start(shift(month, 1)))


def _monthly_counts(qs: QuerySet[Case], first: date, end: date) -> dict[date, int]:
    rows = (
        qs.filter(created_at__gte=_start(first), created_at__lt=_start(end))
        .annotate(_m=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .values("_m")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: dict[date, int] = {}
    for r in rows:
        key = r["_m"].date() if isinstance(r["_m"], datetime) else r["_m"]
        out[key.replace(day=1)] = out.get(key.replace(day=1), 0) + int(r["n"])
    return out


def _grouped(qs: QuerySet[Case], key: str) -> dict[Any, int]:
    return {r[key]: int(r["n"]) for r in qs.values(key).annotate(n=Count("id")).order_by()}


def _compare(now: dict[Any, int], before: dict[Any, int], labels: dict[Any, str]) -> list[dict[str, Any]]:
    keys = set(now) | set(before)
    rows = [
        {
            "key": k,
            "label": labels.get(k, str(k) if k is not None else _("Not located")),
            "count": now.get(k, 0),
            "previous": before.get(k, 0),
            "change": now.get(k, 0) - before.get(k, 0),
            "change_pct": _pct(now.get(k, 0), before.get(k, 0)),
        }
        for k in keys
    ]
    return sorted(rows, key=lambda r: (-r["count"], -r["previous"], r["label"]))


def _categories(actor: Actor, qs: QuerySet[Case]) -> dict[int, int]:
    """Cases per level-1 category (a case filed on a finer category counts at its root)."""
    from zhiguan.taxonomy.models import Category

    tree = {
        c["id"]: c
        for c in Category.objects.filter(jurisdiction_id=actor.jurisdiction.pk).values(
            "id", "parent_id", "level"
        )
    }
    out: dict[int, int] = defaultdict(int)
    for cat, n in _grouped(qs, "category_id").items():
        node = tree.get(cat)
        while node is not None and node["level"] > 1 and node["parent_id"] in tree:
            node = tree[node["parent_id"]]
        if node is not None:
            out[node["id"]] += n
    return dict(out)


def _deadlines(month_qs: QuerySet[Case], now: datetime) -> dict[str, Any]:
    """Handling deadlines of the month's cases: met, late, still running past due, not yet due."""
    dl = CaseDeadline.objects.filter(case__in=month_qs, stage=Stage.HANDLE)
    raw = dl.aggregate(
        n_total=Count("id"),
        n_met=Count("id", filter=Q(met=True)),
        n_late=Count("id", filter=Q(met=False)),
        n_running=Count("id", filter=Q(met__isnull=True, completed_at__isnull=True, due_at__lt=now)),
    )
    agg = {
        "total": raw["n_total"],
        "met": raw["n_met"],
        "late": raw["n_late"],
        "running_overdue": raw["n_running"],
    }
    decided = agg["met"] + agg["late"]
    return {
        **agg,
        "decided": decided,
        "on_time_pct": _share(agg["met"], decided),
        "overdue": agg["late"] + agg["running_overdue"],
    }


def _satisfaction(month_qs: QuerySet[Case]) -> dict[str, Any]:
    agg = month_qs.aggregate(
        rated=Count("id", filter=~Q(callback_result="")),
        satisfied=Count("id", filter=Q(callback_result=CallbackResult.SATISFIED)),
        basically=Count("id", filter=Q(callback_result=CallbackResult.BASICALLY_SATISFIED)),
        dissatisfied=Count("id", filter=Q(callback_result=CallbackResult.DISSATISFIED)),
    )
    return {**agg, "pct": _share(agg["satisfied"] + agg["basically"], agg["rated"])}


def _streets(actor: Actor, month_qs: QuerySet[Case], prev_qs: QuerySet[Case]) -> list[dict[str, Any]]:
    from zhiguan.geo.models import Area, AreaLevel

    streets = Area.objects.filter(jurisdiction_id=actor.jurisdiction.pk, level=AreaLevel.STREET, active=True)
    names = {a.pk: a.name for a in streets.only("id", "name")}
    now, before = _grouped(month_qs, "street_id"), _grouped(prev_qs, "street_id")
    overdue = _grouped(month_qs.filter(warning_level="red"), "street_id")
    rows = _compare(now, before, names)
    rows.sort(key=lambda r: r["key"] is None)  # the cases without a street after every street
    for r in rows:
        r["red"] = overdue.get(r["key"], 0)
    # Every street of the district is on the map, even with no cases of the reader's.
    seen = {r["key"] for r in rows}
    rows += [
        {"key": pk, "label": name, "count": 0, "previous": 0, "change": 0, "change_pct": None, "red": 0}
        for pk, name in names.items()
        if pk not in seen
    ]
    return rows


def _hot_issues(actor: Actor, month: date, end: datetime) -> list[dict[str, Any]]:
    """The month's hot issues (the same grouping and heat as the console's 热点问题), within the
    reader's scope."""
    from zhiguan.intelligence.hotspots import services

    found = services.hot_issues(
        actor,
        days=(shift(month, 1) - month).days,
        category_id=None,
        end=end - timedelta(microseconds=1),
        top=10,
        within=visible(actor),
    )
    return [
        {
            "rank": h["rank"],
            "title": h["title"],
            "place": h["place"],
            "size": h["size"],
            "heat": round(h["heat"], 1),
        }
        for h in found
    ]


def _departments_fallback(actor: Actor, month_qs: QuerySet[Case]) -> list[dict[str, Any]]:
    """On-time closure by lead department (when the evaluation module gives no ranking)."""
    from zhiguan.org.models import Department

    rows = (
        CaseDeadline.objects.filter(
            case__in=month_qs, stage=Stage.HANDLE, case__lead_department__isnull=False
        )
        .values(department_id=F("case__lead_department_id"))
        .annotate(
            cases=Count("case_id", distinct=True),
            n_met=Count("id", filter=Q(met=True)),
            n_late=Count("id", filter=Q(met=False)),
        )
        .order_by()
    )
    names = dict(Department.objects.filter(jurisdiction_id=actor.jurisdiction.pk).values_list("pk", "name"))
    out: list[dict[str, Any]] = []
    for r in rows:
        met, late = int(r["n_met"]), int(r["n_late"])
        out.append(
            {
                "department": names.get(r["department_id"], "-"),
                "cases": r["cases"],
                "met": met,
                "late": late,
                "score": _share(met, met + late),
            }
        )
    out.sort(key=lambda o: (o["score"] is None, -(o["score"] or 0), -o["cases"], o["department"]))
    for k, row in enumerate(out):
        row["rank"] = k + 1
    return out[:15]


def _ranking(actor: Actor, month: date, month_qs: QuerySet[Case]) -> dict[str, Any]:
    # The department evaluation's ranking (as published, else as it stands) for a reader of the whole
    # district; a narrower reader gets on-time closure by lead department over what they see.
    if actor.scope_for(VIEW) == DataScope.JURISDICTION:
        ranking = evaluation_queries.month_ranking(jurisdiction_id=actor.jurisdiction.pk, month=month)
        if ranking["rows"]:
            return {"source": "evaluation", "status": ranking["status"], "rows": ranking["rows"][:15]}
    return {"source": "on_time", "rows": _departments_fallback(actor, month_qs)}


def _forecast(history: dict[date, int], month: date) -> dict[str, Any]:
    """Next month's volume from the monthly totals up to this month, with the back-test beside the
    seasonal-naive baseline (a forecast that does not beat it says so)."""
    from zhiguan.assessment import forecast

    months = sorted(m for m in history if m <= month)
    if len(months) < 3:
        return {"available": False}
    first = months[0]
    dates, counts = [], []
    m = first
    while m <= month:
        dates.append(m)
        counts.append(history.get(m, 0))
        m = shift(m, 1)
    series = forecast.prepare(dates, counts, "M")
    result = forecast.forecast_series(series, 1)
    chosen = result.scores.get(result.model, {})
    base = result.scores.get("snaive", {})
    return {
        "available": True,
        "month": shift(month, 1),
        "mean": round(float(result.mean[0])),
        "lower": round(float(result.lower[0])),
        "upper": round(float(result.upper[0])),
        "model": result.model,
        "model_label": MODEL_LABELS.get(result.model, result.model),
        "mase": chosen.get("mase"),
        "snaive_mase": base.get("mase"),
        "beats_baseline": bool(result.beats_baseline),
        "months_used": len(dates),
    }


def _notable(month_qs: QuerySet[Case], now: datetime) -> list[dict[str, Any]]:
    """Five cases worth a leader's attention, each for a stated reason, none twice."""
    picks: list[tuple[str, QuerySet[Case]]] = [
        (
            "overdue",
            month_qs.filter(
                deadlines__stage=Stage.HANDLE,
                deadlines__met__isnull=True,
                deadlines__due_at__lt=now,
                status__in=OPEN_STATUSES,
            ).order_by("deadlines__due_at"),
        ),
        (
            "supervised",
            month_qs.annotate(_n=Count("supervision_notices", distinct=True))
            .filter(_n__gt=0)
            .order_by("-_n"),
        ),
        ("merged", month_qs.annotate(_n=Count("duplicates", distinct=True)).filter(_n__gt=0).order_by("-_n")),
        (
            "reworked",
            month_qs.annotate(_n=F("rework_count") + F("reopen_count") + F("return_count"))
            .filter(_n__gt=0)
            .order_by("-_n"),
        ),
        (
            "dissatisfied",
            month_qs.filter(callback_result=CallbackResult.DISSATISFIED).order_by("-created_at"),
        ),
        ("late", month_qs.filter(deadlines__stage=Stage.HANDLE, deadlines__met=False).order_by("created_at")),
    ]
    reasons = {
        "overdue": _("Still open past its handling deadline"),
        "supervised": _("Supervised most often"),
        "merged": _("Most duplicate reports merged into it"),
        "reworked": _("Returned, reworked or reopened most often"),
        "dissatisfied": _("The reporter was dissatisfied"),
        "late": _("Closed after its handling deadline"),
    }
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for kind, qs in picks:
        if len(out) >= NOTABLE:
            break
        for case in qs.select_related("category", "street", "lead_department")[:10]:
            if case.pk in seen:
                continue
            seen.add(case.pk)
            n = getattr(case, "_n", None)
            out.append(
                {
                    "kind": kind,
                    "reason": str(reasons[kind]) + (f"（{n}）" if n and kind != "reworked" else ""),
                    "number": case.number,
                    "category": case.category.path_name or case.category.name,
                    "street": case.street.name if case.street else "",
                    "department": case.lead_department.name if case.lead_department else "",
                    "status": str(Status(case.status).label),
                    "created_at": timezone.localtime(case.created_at),
                    "summary": case.description[:80],
                }
            )
            break
    return out


def gather(actor: Actor, month: date, *, now: datetime | None = None) -> dict[str, Any]:
    """Every figure of the month's report for `actor`, within their scope."""
    now = now or timezone.now()
    base = visible(actor)
    end = _start(shift(month, 1))
    month_qs = _in_month(base, month)
    prev_qs = _in_month(base, shift(month, -1))
    history = _monthly_counts(base, shift(month, -(HISTORY_MONTHS + 11)), shift(month, 1))
    total = history.get(month, 0)
    previous = history.get(shift(month, -1), 0)
    last_year = history.get(shift(month, -12), 0)
    channels = {code: str(label) for code, label in Channel.choices}
    types = {code: str(label) for code, label in RequestType.choices}
    from zhiguan.taxonomy.models import Category

    cat_names = dict(
        Category.objects.filter(jurisdiction_id=actor.jurisdiction.pk, level=1).values_list("pk", "name")
    )
    status_counts = _grouped(month_qs, "status")
    closed_in_month = base.filter(closed_at__gte=_start(month), closed_at__lt=end).count()
    first_known = min(history) if history else month
    trend = [
        {
            "month": shift(month, -k),
            "count": history.get(shift(month, -k), 0),
            # None before the history begins (no data is not zero requests)
            "last_year": history.get(shift(month, -k - 12), 0)
            if shift(month, -k - 12) >= first_known
            else None,
        }
        for k in range(HISTORY_MONTHS - 1, -1, -1)
    ]
    return {
        "month": month,
        "month_label": f"{month.year}年{month.month}月",
        "month_end": shift(month, 1) - timedelta(days=1),
        "jurisdiction": {"code": actor.jurisdiction.code, "name": actor.jurisdiction.name},
        "scope": scope_label(actor),
        "whole": actor.scope_for(VIEW) == DataScope.JURISDICTION,
        "reader": str(actor.user) if actor.user is not None else "",
        # Registrations are the month's; their states (closed, rated, overdue) are as of now.
        "as_of": timezone.localtime(now),
        "generated_at": timezone.localtime(now),
        "totals": {
            "count": total,
            "previous": previous,
            "last_year": last_year,
            "mom_pct": _pct(total, previous),
            "yoy_pct": _pct(total, last_year),
            "answered": status_counts.get(Status.ANSWERED, 0),
            "merged": status_counts.get(Status.MERGED, 0),
            "open": sum(n for s, n in status_counts.items() if s in OPEN_STATUSES),
            "closed_in_month": closed_in_month,
            "answered_pct": _share(status_counts.get(Status.ANSWERED, 0), total),
        },
        "trend": trend,
        "channels": _compare(_grouped(month_qs, "channel"), _grouped(prev_qs, "channel"), channels),
        "types": _compare(_grouped(month_qs, "request_type"), _grouped(prev_qs, "request_type"), types),
        "categories": _compare(_categories(actor, month_qs), _categories(actor, prev_qs), cat_names),
        "streets": _streets(actor, month_qs, prev_qs),
        "deadlines": _deadlines(month_qs, now),
        "previous_deadlines": _deadlines(prev_qs, now),
        "satisfaction": _satisfaction(month_qs),
        "previous_satisfaction": _satisfaction(prev_qs),
        "hot_issues": _hot_issues(actor, month, end),
        "ranking": _ranking(actor, month, month_qs),
        "forecast": _forecast(history, month),
        "notable": _notable(month_qs, now),
    }
