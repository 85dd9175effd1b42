"""Routing: which department leads a case. First matching rule wins, else the category's default.

Rules are versioned (editing adds a version row), so a dispatched case keeps the exact rule
version that routed it, and later edits never change it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, time
from functools import lru_cache
from typing import Any

import shapely
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape

from zhiguan.audit import services as audit
from zhiguan.cases.models import Case, RoutingRule
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.workdays.queries import get_calendar

DAY_KINDS = ("working", "non_working")
OFFICE_TIMES = ("in", "out")


@dataclass
class Route:
    lead: Department | None
    rule: RoutingRule | None
    reason: str
    co_handlers: list[Department] = field(default_factory=list)
    profile: Any = None


def _category_chain(category: Any) -> list[int]:
    ids = []
    while category is not None:
        ids.append(category.pk)
        category = category.parent
    return ids


@lru_cache(maxsize=256)
def _prepared(polygon_json: str) -> Any:
    geom = shape(json.loads(polygon_json))
    shapely.prepare(geom)
    return geom


def in_polygon(polygon: dict[str, Any], lng: float | None, lat: float | None) -> bool:
    """The WGS-84 point lies inside (or on the edge of) the drawn GeoJSON polygon."""
    if lng is None or lat is None:
        return False
    geom = _prepared(json.dumps(polygon, sort_keys=True))
    return bool(geom.covers(shapely.Point(lng, lat)))


def _in_window(start: time, end: time, moment: time) -> bool:
    # A window that ends before it starts wraps over midnight (22:00–06:00).
    return start <= moment < end if start <= end else moment >= start or moment < end


def time_matches(rule: RoutingRule, jurisdiction_id: int, at: datetime) -> bool:
    """The rule's day kind, office-time and time-of-day conditions hold at `at` (local time)."""
    if not (rule.day_kind or rule.office_time or rule.time_from is not None):
        return True
    calendar = get_calendar(jurisdiction_id)
    local = timezone.localtime(at)
    if rule.day_kind and calendar.is_working_day(local.date()) != (rule.day_kind == "working"):
        return False
    if rule.office_time and calendar.is_office_time(local) != (rule.office_time == "in"):
        return False
    if rule.time_from is not None and rule.time_to is not None:
        return _in_window(rule.time_from, rule.time_to, local.time())
    return True


def rule_matches(
    rule: RoutingRule, case: Case, category_chain: list[int], at: datetime | None = None
) -> bool:
    """Every condition the rule sets holds for the case (a category matches its descendants too).

    Time conditions look at `at`: when the case was registered (now for a dry run).
    """
    if rule.category_id is not None and rule.category_id not in category_chain:
        return False
    if rule.area_id is not None and rule.area_id not in (case.street_id, case.community_id, case.grid_id):
        return False
    if rule.polygon and not in_polygon(rule.polygon, case.lng, case.lat):
        return False
    if not time_matches(rule, case.jurisdiction_id, at or case.created_at or timezone.now()):
        return False
    if rule.request_types and case.request_type not in rule.request_types:
        return False
    if rule.channels and case.channel not in rule.channels:
        return False
    if rule.urgencies and case.urgency not in rule.urgencies:
        return False
    text = case.description or ""
    return not rule.keywords or any(k and k in text for k in rule.keywords)


def route(case: Case, *, at: datetime | None = None) -> Route:
    """Where the case would go, by which rule (and version), and why (time conditions at `at`)."""
    from zhiguan.taxonomy.queries import effective_lead_department

    chain = _category_chain(case.category)
    rules = RoutingRule.objects.filter(jurisdiction_id=case.jurisdiction_id, current=True, retired=False)
    for rule in rules.select_related("lead_department", "deadline_profile").order_by("position", "key"):
        if rule_matches(rule, case, chain, at):
            co = list(
                Department.objects.filter(pk__in=rule.co_handler_ids, jurisdiction_id=case.jurisdiction_id)
            )
            reason = _("Rule #%(key)d v%(version)d “%(name)s” matched.") % {
                "key": rule.key,
                "version": rule.version,
                "name": rule.name,
            }
            return Route(rule.lead_department, rule, reason, co, rule.deadline_profile)
    lead = effective_lead_department(case.category)
    if lead is None:
        return Route(None, None, _("No rule matched and the category has no default lead department."))
    return Route(lead, None, _("No rule matched; the category's default lead department."))


def _leading_department(actor: Actor, dept_id: Any, field_name: str) -> Department:
    dept = (
        Department.objects.filter(pk=dept_id, jurisdiction_id=actor.jurisdiction.pk).first()
        if isinstance(dept_id, int) and not isinstance(dept_id, bool)
        else None
    )
    if dept is None or not dept.can_lead:
        raise InvalidInput(_("Choose an active bureau or street office."), field=field_name)
    return dept


def decide_dispatch(
    *, actor: Actor, case: Case, lead_department_id: Any = None, co_handler_ids: Any = None
) -> Route:
    """The dispatch decision: the dispatcher's choice when given, else the route; validated."""
    suggested = route(case)
    if lead_department_id is None:
        if suggested.lead is None:
            raise InvalidInput(suggested.reason, code="no_route", field="lead_department_id")
        decision = suggested
    else:
        lead = _leading_department(actor, lead_department_id, "lead_department_id")
        same = suggested.lead is not None and suggested.lead.pk == lead.pk
        decision = Route(
            lead,
            suggested.rule if same else None,
            suggested.reason if same else _("Chosen by the dispatcher."),
            suggested.co_handlers if same else [],
            suggested.profile if same else None,
        )
    if co_handler_ids is not None:
        if not isinstance(co_handler_ids, list):
            raise InvalidInput(_("A list of department ids is expected."), field="co_handler_ids")
        decision.co_handlers = [
            _leading_department(actor, i, "co_handler_ids") for i in dict.fromkeys(co_handler_ids)
        ]
    assert decision.lead is not None
    decision.co_handlers = [d for d in decision.co_handlers if d.pk != decision.lead.pk]
    return decision


RULE_FIELDS = [
    "name",
    "position",
    "category",
    "area",
    "request_types",
    "channels",
    "urgencies",
    "keywords",
    "polygon",
    "day_kind",
    "office_time",
    "time_from",
    "time_to",
    "lead_department",
    "co_handler_ids",
    "deadline_profile",
    "retired",
]


def _clean_rule_fields(actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    from zhiguan.geo.models import Area
    from zhiguan.taxonomy.models import Category, DeadlineProfile

    out: dict[str, Any] = {}
    for name, model in (("category", Category), ("area", Area), ("deadline_profile", DeadlineProfile)):
        value = fields.pop(f"{name}_id", None)
        if value is not None:
            obj = model.objects.filter(pk=value, jurisdiction_id=actor.jurisdiction.pk).first()
            if obj is None:
                raise InvalidInput(_("Unknown reference."), field=f"{name}_id")
            out[name] = obj
        else:
            out[name] = None
    out["lead_department"] = _leading_department(
        actor, fields.pop("lead_department_id", None), "lead_department_id"
    )
    out["co_handler_ids"] = [
        _leading_department(actor, i, "co_handler_ids").pk for i in fields.pop("co_handler_ids", None) or []
    ]
    out.update(_clean_conditions(fields))
    return out


def _clean_polygon(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    message = _("Draw the area as a valid GeoJSON Polygon in WGS-84 (longitude, latitude).")
    try:
        geom = shape(value)
    except (AttributeError, IndexError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as exc:
        raise InvalidInput(message, code="invalid_polygon", field="polygon") from exc
    if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty or not geom.is_valid:
        raise InvalidInput(message, code="invalid_polygon", field="polygon")
    x0, y0, x1, y1 = geom.bounds
    if x0 < -180 or x1 > 180 or y0 < -90 or y1 > 90:
        raise InvalidInput(message, code="invalid_polygon", field="polygon")
    return json.loads(json.dumps(mapping(geom)))


def _clean_conditions(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate the drawn area and the time conditions; the rest passes through."""
    fields["polygon"] = _clean_polygon(fields.get("polygon"))
    for name, allowed in (("day_kind", DAY_KINDS), ("office_time", OFFICE_TIMES)):
        value = fields.get(name) or ""
        if value and value not in allowed:
            raise InvalidInput(_("Unknown value."), field=name, allowed=list(allowed))
        fields[name] = value
    start, end = fields.get("time_from"), fields.get("time_to")
    if (start is None) != (end is None) or (start is not None and start == end):
        raise InvalidInput(_("Give the time window's start and end (different times)."), field="time_from")
    return fields


@transaction.atomic
def create_rule(*, actor: Actor, **fields: Any) -> RoutingRule:
    """Create a routing rule (version 1) at `position`."""
    require(actor, "routing.manage")
    values = _clean_rule_fields(actor, fields)
    last = RoutingRule.objects.filter(jurisdiction_id=actor.jurisdiction.pk).aggregate(m=Max("key"))["m"] or 0
    rule = RoutingRule.objects.create(
        jurisdiction=actor.jurisdiction, key=last + 1, version=1, created_by=actor.user, **values
    )
    audit.record(
        actor=actor, action="routing.rule_created", target=rule, after=audit.snapshot(rule, RULE_FIELDS)
    )
    return rule


@transaction.atomic
def revise_rule(*, actor: Actor, key: int, **fields: Any) -> RoutingRule:
    """Edit a rule: the current version stops being current and a new version row takes its place."""
    require(actor, "routing.manage")
    old = (
        RoutingRule.objects.select_for_update()
        .filter(jurisdiction_id=actor.jurisdiction.pk, key=key, current=True)
        .first()
    )
    if old is None:
        raise NotFound()
    values = _clean_rule_fields(actor, fields)
    RoutingRule.objects.filter(pk=old.pk).update(current=False)
    rule = RoutingRule.objects.create(
        jurisdiction=actor.jurisdiction, key=key, version=old.version + 1, created_by=actor.user, **values
    )
    audit.record(
        actor=actor,
        action="routing.rule_revised",
        target=rule,
        before=audit.snapshot(old, RULE_FIELDS),
        after=audit.snapshot(rule, RULE_FIELDS),
    )
    return rule


def dry_run(
    *,
    actor: Actor,
    category_id: int,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    at: datetime | None = None,
    **attrs: Any,
) -> Route:
    """Where a case with these attributes, registered at `at` (default now), would go, without creating anything."""
    from zhiguan.geo.services import fill_location
    from zhiguan.taxonomy.models import Category

    require(actor, "routing.view")
    category = get_or_404(actor, Category.objects.all(), "taxonomy.view", pk=category_id)
    case = Case(jurisdiction=actor.jurisdiction, category=category, **attrs)
    if lng is not None and lat is not None:
        fill_location(case, jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    return route(case, at=at)
