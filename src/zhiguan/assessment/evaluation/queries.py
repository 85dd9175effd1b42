"""Reads of the evaluation: a month's ranking (published or live), its versions, the cases behind a figure."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from zhiguan.assessment.evaluation import indicators as ind
from zhiguan.assessment.evaluation import services
from zhiguan.assessment.evaluation.models import EvaluationScheme, PublishedRanking
from zhiguan.cases.models import Case
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.permissions import Actor, require, restrict

VIEW = "supervision.view"
DRILL_LIMIT = 500


def indicators(actor: Actor) -> list[dict[str, Any]]:
    require(actor, VIEW)
    return [i.as_dict() for i in ind.INDICATORS]


def schemes(actor: Actor) -> dict[str, Any]:
    require(actor, VIEW)
    rows = EvaluationScheme.objects.filter(jurisdiction_id=actor.jurisdiction.pk).order_by("-version")
    return {
        "default": services.default_scheme(),
        "versions": [
            {
                "version": s.version,
                "valid_from": s.valid_from.isoformat(),
                "items": s.items,
                "grades": s.grades,
                "min_sample": s.min_sample,
                "note": s.note,
                "created_by": s.created_by_label,
                "created_at": s.created_at,
            }
            for s in rows
        ],
    }


def _versions(jid: int, month: date) -> list[dict[str, Any]]:
    return [
        {
            "version": r.version,
            "published_at": r.published_at,
            "published_by": r.published_by_label,
            "reason": r.reason,
        }
        for r in PublishedRanking.objects.filter(jurisdiction_id=jid, month=month)
        .order_by("version")
        .only("version", "published_at", "published_by_label", "reason")
    ]


def _frozen(jid: int, month: date, version: int | None) -> PublishedRanking | None:
    qs = PublishedRanking.objects.filter(jurisdiction_id=jid, month=month)
    if version is not None:
        found = qs.filter(version=version).first()
        if found is None:
            raise NotFound(_("This month has no such published version."), code="version_not_found")
        return found
    return qs.order_by("-version").first()


def month_view(
    actor: Actor, *, month: str | date, version: int | None = None, live: bool = False
) -> dict[str, Any]:
    """The month as published (its latest version unless `version`), or computed now when unpublished or `live`."""
    require(actor, VIEW)
    month = services.parse_month(month)
    jid = actor.jurisdiction.pk
    frozen = None if live else _frozen(jid, month, version)
    versions = _versions(jid, month)
    if frozen is not None:
        return {
            "month": month.isoformat(),
            "status": "published",
            "version": frozen.version,
            "data_as_of": frozen.data_as_of,
            "published_at": frozen.published_at,
            "published_by": frozen.published_by_label,
            "reason": frozen.reason,
            "scheme": services.scheme_dict(frozen.scheme),
            "rows": frozen.rows,
            "roles": frozen.roles,
            "versions": versions,
        }
    result = services.evaluate(jurisdiction_id=jid, month=month)
    return {
        "month": month.isoformat(),
        "status": "draft",
        "version": None,
        "data_as_of": result["data_as_of"],
        "published_at": None,
        "published_by": "",
        "reason": "",
        "scheme": result["scheme"],
        "rows": result["rows"],
        "roles": result["roles"],
        "versions": versions,
    }


def drill(
    actor: Actor,
    *,
    month: str | date,
    department_id: int,
    indicator: str,
    part: str = "numerator",
    version: int | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """The cases behind one figure of one department: its numerator or its denominator.

    From the frozen ids of a published month (the cases as counted then), else computed now; always
    narrowed to the cases the reader may see (a department sees its own).
    """
    require(actor, VIEW)
    month = services.parse_month(month)
    definition = ind.BY_CODE.get(indicator)
    if definition is None:
        raise InvalidInput(_("Unknown indicator: %(code)s.") % {"code": indicator}, code="unknown_indicator")
    if part not in ("numerator", "denominator"):
        raise InvalidInput(_("Part is numerator or denominator."), code="invalid_part", field="part")
    measure = definition.numerator if part == "numerator" else definition.denominator
    if measure is None:
        raise InvalidInput(_("This figure has no denominator."), code="no_denominator", field="part")
    jid = actor.jurisdiction.pk
    frozen = None if live else _frozen(jid, month, version)
    if frozen is not None:
        dept_cases = frozen.cases.get(str(department_id), {})
    else:
        dept_cases = services.department_cases(jurisdiction_id=jid, month=month, department_id=department_id)
    days: dict[int, float] = {}
    if measure == "handling_days":
        pairs = dept_cases.get("handling_days", [])
        days = {int(c): float(d) for c, d in pairs}
        ids = list(days)
    else:
        ids = [int(i) for i in dept_cases.get(measure, [])]
    qs = restrict(actor, Case.objects.filter(pk__in=ids), "case.view").select_related(
        "category", "lead_department"
    )
    visible = list(qs.order_by("created_at")[:DRILL_LIMIT])
    return {
        "indicator": definition.as_dict(),
        "part": part,
        "total": len(ids),
        "visible": qs.count(),
        "cases": [
            {
                "id": c.pk,
                "number": c.number,
                "category": c.category.name,
                "status": c.status,
                "status_label": c.get_status_display(),
                "lead_department": c.lead_department.name if c.lead_department else "",
                "created_at": c.created_at,
                "closed_at": c.closed_at,
                "handling_days": days.get(c.pk),
                "description": c.description[:80],
            }
            for c in visible
        ],
    }


def month_ranking(*, jurisdiction_id: int, month: date) -> dict[str, Any]:
    """The month's ranked departments for other readers (the monthly report): as published when it
    is, else computed now. {"status", "version", "rows": [{rank, department, score, grade, sample}]}."""
    month = services.parse_month(month)
    frozen = _frozen(jurisdiction_id, month, None)
    if frozen is not None:
        rows, status, version = frozen.rows, "published", frozen.version
    else:
        rows, status, version = (
            services.evaluate(jurisdiction_id=jurisdiction_id, month=month, with_roles=False)["rows"],
            "draft",
            None,
        )
    return {
        "status": status,
        "version": version,
        "rows": [
            {k: r[k] for k in ("rank", "department", "score", "grade", "sample")} for r in rows if r["ranked"]
        ],
    }
