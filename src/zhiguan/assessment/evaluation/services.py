"""Department evaluation: the month's figures, scores and ranking; schemes; publishing (通报).

`evaluate` computes a month live from the cases (a draft); `publish` freezes it with the ids of the
cases behind every figure; a second `publish` of the same month is a correction and needs a reason.
`set_scheme` adds a scheme version valid from a month. Every write is audited.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiguan.assessment import months
from zhiguan.assessment.evaluation import indicators as ind
from zhiguan.assessment.evaluation.measures import DepartmentMeasures, collect, month_bounds
from zhiguan.assessment.evaluation.models import EvaluationScheme, PublishedRanking
from zhiguan.audit import services as audit
from zhiguan.cases.models import Case, CaseEvent, CaseReturn
from zhiguan.errors import Conflict, InvalidInput
from zhiguan.org.models import Department, DepartmentKind
from zhiguan.org.permissions import Actor, require

MANAGE = "evaluation.manage"
PUBLISH = "evaluation.publish"


def parse_month(value: str | date) -> date:
    """`YYYY-MM` (or a date) → the first day of that month; `invalid_month` otherwise."""
    return months.parse(value, code="invalid_month")


# -- schemes -----------------------------------------------------------------------------------


def default_scheme() -> dict[str, Any]:
    return {
        "version": 0,
        "valid_from": None,
        "items": [dict(i) for i in ind.DEFAULT_ITEMS],
        "grades": [list(g) for g in ind.DEFAULT_GRADES],
        "min_sample": ind.DEFAULT_MIN_SAMPLE,
        "note": str(_("CJ/T 292 / GB/T 30428.4 district scorecard (built in)")),
    }


def scheme_for(*, jurisdiction_id: int, month: date) -> EvaluationScheme | None:
    """The scheme version in force for `month` (the newest valid from that month or before)."""
    return (
        EvaluationScheme.objects.filter(jurisdiction_id=jurisdiction_id, valid_from__lte=month)
        .order_by("-valid_from", "-version")
        .first()
    )


def scheme_dict(scheme: EvaluationScheme | None) -> dict[str, Any]:
    if scheme is None:
        return default_scheme()
    return {
        "version": scheme.version,
        "valid_from": scheme.valid_from.isoformat(),
        "items": scheme.items,
        "grades": scheme.grades,
        "min_sample": scheme.min_sample,
        "note": scheme.note,
    }


def _check_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not items:
        raise InvalidInput(_("A scheme needs at least one indicator."), code="scheme_empty", field="items")
    seen: set[str] = set()
    clean = []
    for i, item in enumerate(items):
        code = item.get("indicator")
        if code not in ind.BY_CODE:
            raise InvalidInput(
                _("Unknown indicator: %(code)s.") % {"code": code}, code="unknown_indicator", index=i
            )
        if code in seen:
            raise InvalidInput(
                _("Indicator %(code)s appears twice.") % {"code": code}, code="duplicate_indicator", index=i
            )
        seen.add(code)
        transform = item.get("transform", "rate")
        if transform not in ind.TRANSFORMS:
            raise InvalidInput(_("Unknown score transform."), code="unknown_transform", index=i)
        indicator = ind.BY_CODE[code]
        if indicator.kind != ind.RATE and transform != "penalty":
            raise InvalidInput(
                _("A count or an average can only be scored as a penalty (points per unit)."),
                code="transform_not_for_kind",
                index=i,
            )
        weight = float(item.get("weight", 0))
        if not 0 < weight <= 100:
            raise InvalidInput(_("Each weight is between 0 and 100."), code="invalid_weight", index=i)
        row = {"indicator": code, "weight": weight, "transform": transform}
        if transform == "penalty":
            per = float(item.get("per", 1))
            if per <= 0:
                raise InvalidInput(_("Points per unit must be above 0."), code="invalid_penalty", index=i)
            row["per"] = per
        clean.append(row)
    total = sum(r["weight"] for r in clean)
    if abs(total - 100) > 1e-6:
        raise InvalidInput(
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": f"{total:g}"},
            code="weights_not_100",
            field="items",
        )
    return clean


def _check_grades(grades: list[list[Any]]) -> list[list[Any]]:
    clean: list[tuple[str, float]] = []
    for g in grades:
        if len(g) != 2 or not str(g[0]).strip():
            raise InvalidInput(_("Each grade is a letter and its lowest score."), code="invalid_grades")
        floor = float(g[1])
        if not 0 <= floor <= 100:
            raise InvalidInput(_("Each grade is a letter and its lowest score."), code="invalid_grades")
        clean.append((str(g[0]).strip()[:4], floor))
    clean.sort(key=lambda g: -g[1])
    if not clean or clean[-1][1] != 0:
        raise InvalidInput(_("The lowest grade must start at 0."), code="invalid_grades")
    return [list(g) for g in clean]


def set_scheme(
    *,
    actor: Actor,
    valid_from: str | date,
    items: list[dict[str, Any]],
    grades: list[list[Any]] | None = None,
    min_sample: int = ind.DEFAULT_MIN_SAMPLE,
    note: str = "",
) -> EvaluationScheme:
    """A new scheme version from `valid_from` on. Months already published keep the scheme they were published with."""
    require(actor, MANAGE)
    month = parse_month(valid_from)
    clean_items = _check_items(items)
    clean_grades = _check_grades(grades if grades is not None else [list(g) for g in ind.DEFAULT_GRADES])
    if not 1 <= min_sample <= 10000:
        raise InvalidInput(_("The minimum sample is between 1 and 10000."), code="invalid_min_sample")
    jid = actor.jurisdiction.pk
    with transaction.atomic():
        last = (
            EvaluationScheme.objects.select_for_update()
            .filter(jurisdiction_id=jid)
            .aggregate(v=Max("version"))
        )
        scheme = EvaluationScheme.objects.create(
            jurisdiction_id=jid,
            version=(last["v"] or 0) + 1,
            valid_from=month,
            items=clean_items,
            grades=clean_grades,
            min_sample=min_sample,
            note=note.strip()[:2000],
            created_by=actor.user,
            created_by_label=actor.label,
        )
        audit.record(
            actor=actor,
            action="evaluation.scheme",
            target=scheme,
            after={"version": scheme.version, "valid_from": month.isoformat(), "items": clean_items},
            note=note,
        )
    return scheme


# -- the month ---------------------------------------------------------------------------------


def _values(m: DepartmentMeasures) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in ind.INDICATORS:
        if i.kind == ind.RATE:
            num, den = m.count(i.numerator), m.count(i.denominator or "")
            value = ind.ratio(num, den)
            out[i.code] = {"value": None if value is None else round(value, 4), "num": num, "den": den}
        elif i.kind == ind.MEAN:
            days = [d for _c, d in m.handling_days]
            value = round(sum(days) / len(days), 2) if days else None
            out[i.code] = {"value": value, "num": len(days), "den": None}
        else:
            n = m.count(i.numerator)
            out[i.code] = {"value": n, "num": n, "den": None}
    return out


def _departments(jurisdiction_id: int, present: set[int]) -> list[Department]:
    qs = Department.objects.filter(jurisdiction_id=jurisdiction_id)
    return [
        d
        for d in qs.order_by("path")
        if d.pk in present or (d.active and d.kind in (DepartmentKind.BUREAU, DepartmentKind.STREET))
    ]


def _begun(month: date, as_of: datetime) -> None:
    if as_of < month_bounds(month)[0]:
        raise InvalidInput(_("This month has not begun."), code="month_in_future", field="month")


def _case_sets(m: DepartmentMeasures) -> dict[str, list[Any]]:
    """A department's measure sets as stored for the drill-down (sorted ids; handling days as pairs)."""
    return {
        **{code: sorted(ids) for code, ids in m.sets.items()},
        "handling_days": [list(p) for p in sorted(m.handling_days)],
    }


def department_cases(*, jurisdiction_id: int, month: date, department_id: int) -> dict[str, list[Any]]:
    """One department's measure sets as the data stand now: the drill-down of a draft month, without
    scoring every department and counting the staff's figures for it."""
    month = parse_month(month)
    as_of = timezone.now()
    _begun(month, as_of)
    measures = collect(jurisdiction_id=jurisdiction_id, month=month, as_of=as_of)
    return _case_sets(measures.get(department_id, DepartmentMeasures()))


def evaluate(
    *,
    jurisdiction_id: int,
    month: date,
    as_of: datetime | None = None,
    scheme: dict[str, Any] | None = None,
    with_roles: bool = True,
) -> dict[str, Any]:
    """The month's figures, points, scores, grades and ranks per department, with the cases behind them.

    Returns {"month", "data_as_of", "scheme", "rows", "cases", "roles"}; `cases` maps a department id
    to its measure sets (the drill-down), kept out of the rows so that they stay small; `roles` (the
    per-person figures) is empty unless `with_roles`.
    """
    month = parse_month(month)
    as_of = as_of or timezone.now()
    _begun(month, as_of)
    scheme = scheme or scheme_dict(scheme_for(jurisdiction_id=jurisdiction_id, month=month))
    measures = collect(jurisdiction_id=jurisdiction_id, month=month, as_of=as_of)
    rows: list[dict[str, Any]] = []
    cases: dict[str, dict[str, list[Any]]] = {}
    empty = DepartmentMeasures()
    for dept in _departments(jurisdiction_id, set(measures)):
        m = measures.get(dept.pk, empty)
        values = _values(m)
        points = {
            item["indicator"]: round(ind.item_points(item, values[item["indicator"]]["value"]), 2)
            for item in scheme["items"]
        }
        score = round(sum(points.values()), 2)
        sample = m.count("assigned")
        ranked = sample >= int(scheme["min_sample"])
        rows.append(
            {
                "department_id": dept.pk,
                "department": dept.name,
                "kind": dept.kind,
                "sample": sample,
                "ranked": ranked,
                "score": score,
                "grade": ind.grade(score, scheme["grades"]) if ranked else "",
                "points": points,
                "values": values,
            }
        )
        cases[str(dept.pk)] = _case_sets(m)
    ind.rank(rows)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, -r["sample"], r["department"]))
    return {
        "month": month,
        "data_as_of": as_of,
        "scheme": scheme,
        "rows": rows,
        "cases": cases,
        "roles": role_figures(jurisdiction_id=jurisdiction_id, month=month, as_of=as_of)
        if with_roles
        else {},
    }


def role_figures(*, jurisdiction_id: int, month: date, as_of: datetime) -> dict[str, Any]:
    """Per-person figures of the intake operators, dispatchers and inspectors, and the 12345 measures.

    Operators: requests registered, answered at intake (first-contact resolution). Dispatchers:
    dispatches and the justified returns counted against them (wrong dispatches). Inspectors: reports
    registered and verifications done. From the month's timeline events.
    """
    start, end = month_bounds(month)
    events = CaseEvent.objects.filter(
        case__jurisdiction_id=jurisdiction_id, at__gte=start, at__lt=end, at__lte=as_of
    )
    wanted = ("register", "answer", "dispatch", "verify_pass", "verify_fail")
    counts: Counter[tuple[int, str, str]] = Counter()
    names: dict[int, str] = {}
    for user_id, label, role, action in events.filter(
        action__in=wanted, actor_user__isnull=False
    ).values_list("actor_user_id", "actor_label", "role", "action"):
        counts[(user_id, role, action)] += 1
        names[user_id] = label
    # A justified return is the dispatcher's: the person who made the last dispatch before it.
    wrong: Counter[int] = Counter()
    returns = CaseReturn.objects.filter(
        case__jurisdiction_id=jurisdiction_id,
        counted_against="dispatcher",
        judged_at__gte=start,
        judged_at__lt=end,
        judged_at__lte=as_of,
    ).values_list("case_id", "returned_at")
    for case_id, returned_at in returns:
        who = (
            CaseEvent.objects.filter(case_id=case_id, action="dispatch", at__lte=returned_at)
            .order_by("-seq")
            .values_list("actor_user_id", "actor_label")
            .first()
        )
        if who and who[0]:
            wrong[who[0]] += 1
            names.setdefault(who[0], who[1])
    people: dict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
    for (user_id, role, action), n in counts.items():
        group = {"intake_operator": "operators", "dispatcher": "dispatchers", "inspector": "inspectors"}.get(
            role
        )
        if group is None:
            continue
        row = people[group].setdefault(user_id, {"user_id": user_id, "name": names[user_id]})
        row[action] = row.get(action, 0) + n
    for user_id, n in wrong.items():
        row = people["dispatchers"].setdefault(user_id, {"user_id": user_id, "name": names[user_id]})
        row["wrong_dispatches"] = n
    out: dict[str, Any] = {}
    for row in people["operators"].values():
        reg = row.get("register", 0)
        row["first_contact_rate"] = ind.ratio(row.get("answer", 0), reg)
    for row in people["dispatchers"].values():
        d = row.get("dispatch", 0)
        row["dispatch_accuracy"] = None if not d else round(1 - row.get("wrong_dispatches", 0) / d, 4)
    for row in people["inspectors"].values():
        row["verifications"] = row.pop("verify_pass", 0) + row.pop("verify_fail", 0)
    for group in ("operators", "dispatchers", "inspectors"):
        out[group] = sorted(people[group].values(), key=lambda r: r["name"])
    # The 12345 measures of the whole centre (GB/T 33358): on-time reply, first-contact resolution, satisfaction.
    month_cases = Case.objects.filter(
        jurisdiction_id=jurisdiction_id, created_at__gte=start, created_at__lt=end
    )
    registered = month_cases.filter(created_at__lte=as_of).count()
    answered = month_cases.filter(events__action="answer", events__at__lte=as_of).distinct().count()
    out["centre"] = {
        "registered": registered,
        "answered_at_intake": answered,
        "first_contact_rate": ind.ratio(answered, registered),
    }
    return out


# -- publishing ----------------------------------------------------------------------------------


def latest_published(*, jurisdiction_id: int, month: date) -> PublishedRanking | None:
    return (
        PublishedRanking.objects.filter(jurisdiction_id=jurisdiction_id, month=month)
        .order_by("-version")
        .first()
    )


def publish(*, actor: Actor, month: str | date, reason: str = "") -> PublishedRanking:
    """Freeze the month as it stands now (通报). A month already published gets a new version, with its reason."""
    require(actor, PUBLISH)
    month = parse_month(month)
    jid = actor.jurisdiction.pk
    _start, end = month_bounds(month)
    now = timezone.now()
    if now < end:
        raise InvalidInput(
            _("A month can be published once it has ended."), code="month_not_over", field="month"
        )
    reason = reason.strip()
    previous = latest_published(jurisdiction_id=jid, month=month)
    if previous is not None and not reason:
        raise InvalidInput(
            _("This month is already published; a correction needs its reason."),
            code="correction_reason_required",
            field="reason",
        )
    scheme_obj = scheme_for(jurisdiction_id=jid, month=month)
    result = evaluate(jurisdiction_id=jid, month=month, as_of=now, scheme=scheme_dict(scheme_obj))
    if scheme_obj is None:
        # The built-in scorecard is stored as version 1 so that the ranking names what it used.
        scheme_obj = EvaluationScheme.objects.filter(jurisdiction_id=jid, version=1).first() or (
            EvaluationScheme.objects.create(
                jurisdiction_id=jid,
                version=1,
                valid_from=date(2000, 1, 1),
                items=result["scheme"]["items"],
                grades=result["scheme"]["grades"],
                min_sample=result["scheme"]["min_sample"],
                note=result["scheme"]["note"],
                created_by=None,
                created_by_label=str(_("Built in")),
            )
        )
        result["scheme"] = scheme_dict(scheme_obj)
    try:
        with transaction.atomic():
            ranking = PublishedRanking.objects.create(
                jurisdiction_id=jid,
                month=month,
                version=(previous.version + 1) if previous else 1,
                scheme=scheme_obj,
                data_as_of=now,
                published_at=now,
                published_by=actor.user,
                published_by_label=actor.label,
                reason=reason[:2000],
                rows=result["rows"],
                roles=result["roles"],
                cases=result["cases"],
            )
            audit.record(
                actor=actor,
                action="evaluation.publish",
                target=ranking,
                after={
                    "month": month.isoformat(),
                    "version": ranking.version,
                    "departments": len(result["rows"]),
                },
                note=reason,
            )
    except IntegrityError:
        raise Conflict(_("Someone published this month at the same moment; reload.")) from None
    return ranking
