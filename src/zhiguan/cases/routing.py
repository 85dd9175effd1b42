"""Routing: which department leads a case. First matching rule wins, else the category's default.

Rules are versioned (editing adds a version row), so a dispatched case keeps the exact rule
version that routed it, and later edits never change it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
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
from zhiguan.cases.models import Case, RoutingRule, RuleTarget
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.workdays.queries import get_calendar

DAY_KINDS = ("working", "non_working")
OFFICE_TIMES = ("in", "out")


# A dry run explains this many of the rules that did not match (before the one that did).
TRIED_SHOWN = 5


@dataclass
class Trial:
    """One rule tried for a case: the conditions that held, and the first that did not (if any)."""

    rule: RoutingRule
    held: list[str]
    failed: str | None


@dataclass
class Route:
    lead: Department | None
    rule: RoutingRule | None
    reason: str
    co_handlers: list[Department] = field(default_factory=list)
    profile: Any = None
    # Filled by a dry run only: the rules tried (`route(..., explain=True)`) and the unsaved case.
    trials: list[Trial] = field(default_factory=list)
    case: Case | None = None


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


def _checks(
    rule: RoutingRule, case: Case, category_chain: list[int], at: datetime
) -> Iterator[tuple[str, bool]]:
    """Each condition the rule sets, in the order tried, with whether it holds (lazily: the
    first failure ends a match without evaluating the rest)."""
    if rule.target == RuleTarget.COMPONENT_OWNER:
        # Only a case about a city component can go to the component's owner.
        yield "component", case.component_id is not None
    if rule.category_id is not None:
        yield "category", rule.category_id in category_chain
    if rule.area_id is not None:
        yield "area", rule.area_id in (case.street_id, case.community_id, case.grid_id)
    if rule.polygon:
        yield "polygon", in_polygon(rule.polygon, case.lng, case.lat)
    if rule.day_kind or rule.office_time or rule.time_from is not None:
        calendar = get_calendar(case.jurisdiction_id)
        local = timezone.localtime(at)
        if rule.day_kind:
            yield "day_kind", calendar.is_working_day(local.date()) == (rule.day_kind == "working")
        if rule.office_time:
            yield "office_time", calendar.is_office_time(local) == (rule.office_time == "in")
        if rule.time_from is not None and rule.time_to is not None:
            yield "time_window", _in_window(rule.time_from, rule.time_to, local.time())
    if rule.request_types:
        yield "request_type", case.request_type in rule.request_types
    if rule.channels:
        yield "channel", case.channel in rule.channels
    if rule.urgencies:
        yield "urgency", case.urgency in rule.urgencies
    if rule.keywords:
        text = case.description or ""
        yield "keywords", any(k and k in text for k in rule.keywords)


def rule_matches(
    rule: RoutingRule, case: Case, category_chain: list[int], at: datetime | None = None
) -> bool:
    """Every condition the rule sets holds for the case (a category matches its descendants too).

    Time conditions look at `at`: when the case was registered (now for a dry run).
    """
    return _trial(rule, case, category_chain, at or case.created_at or timezone.now()).failed is None


def _trial(rule: RoutingRule, case: Case, category_chain: list[int], at: datetime) -> Trial:
    held: list[str] = []
    for name, ok in _checks(rule, case, category_chain, at):
        if not ok:
            return Trial(rule, held, name)
        held.append(name)
    if rule.target == RuleTarget.COMPONENT_OWNER:
        # Last, once every condition held: the owner must be able to lead (an active bureau or
        # street office) and be one the rule allows; else the next rule is tried.
        owner = component_owner(case)
        if owner is None or not owner.can_lead or (rule.owner_ids and owner.pk not in rule.owner_ids):
            return Trial(rule, held, "component_owner")
        held.append("component_owner")
    return Trial(rule, held, None)


def component_owner(case: Case) -> Department | None:
    """The owner department (权属单位) of the component the case is about, if any."""
    if case.component_id is None:
        return None
    component = case.component
    if component is None or component.jurisdiction_id != case.jurisdiction_id:
        return None
    return component.owner


def route(case: Case, *, at: datetime | None = None, explain: bool = False) -> Route:
    """Where the case would go, by which rule (and version), and why (time conditions at `at`).

    With `explain`, the route also lists the rules tried: the first few that failed, with the
    condition that failed, and the one that matched, with every condition it set.
    """
    from zhiguan.taxonomy.queries import effective_lead_department

    chain = _category_chain(case.category)
    when = at or case.created_at or timezone.now()
    trials: list[Trial] = []
    rules = RoutingRule.objects.filter(jurisdiction_id=case.jurisdiction_id, current=True, retired=False)
    for rule in rules.select_related("lead_department", "deadline_profile").order_by("position", "key"):
        trial = _trial(rule, case, chain, when)
        if explain and (trial.failed is None or len(trials) < TRIED_SHOWN):
            trials.append(trial)
        if trial.failed is None:
            co = list(
                Department.objects.filter(pk__in=rule.co_handler_ids, jurisdiction_id=case.jurisdiction_id)
            )
            names = {"key": rule.key, "version": rule.version, "name": rule.name}
            lead = rule.lead_department
            reason = _("Rule #%(key)d v%(version)d “%(name)s” matched.") % names
            if rule.target == RuleTarget.COMPONENT_OWNER:
                lead = component_owner(case)
                assert lead is not None
                reason = _(
                    "Routed to the component's owner department: %(department)s "
                    "(rule #%(key)d v%(version)d “%(name)s”)."
                ) % {**names, "department": lead.name}
            return Route(lead, rule, reason, co, rule.deadline_profile, trials)
    lead = effective_lead_department(case.category)
    if lead is None:
        return Route(
            None, None, _("No rule matched and the category has no default lead department."), trials=trials
        )
    return Route(lead, None, _("No rule matched; the category's default lead department."), trials=trials)


def _leading_department(actor: Actor, dept_id: Any, field_name: str, code: str | None = None) -> Department:
    dept = (
        Department.objects.filter(pk=dept_id, jurisdiction_id=actor.jurisdiction.pk).first()
        if isinstance(dept_id, int) and not isinstance(dept_id, bool)
        else None
    )
    if dept is None or not dept.can_lead:
        raise InvalidInput(_("Choose an active bureau or street office."), code=code, field=field_name)
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
    "target",
    "owner_ids",
    "lead_department",
    "co_handler_ids",
    "deadline_profile",
    "retired",
]


# A reference a rule names that is not in the jurisdiction: its stable code.
UNKNOWN_CODES = {
    "category": "unknown_category",
    "area": "unknown_area",
    "deadline_profile": "unknown_deadline_profile",
}


def _clean_rule_fields(actor: Actor, fields: dict[str, Any]) -> dict[str, Any]:
    from zhiguan.geo.models import Area
    from zhiguan.taxonomy.models import Category, DeadlineProfile

    out: dict[str, Any] = {}
    for name, model in (("category", Category), ("area", Area), ("deadline_profile", DeadlineProfile)):
        value = fields.pop(f"{name}_id", None)
        if value is not None:
            obj = model.objects.filter(pk=value, jurisdiction_id=actor.jurisdiction.pk).first()
            if obj is None:
                raise InvalidInput(_("Unknown reference."), code=UNKNOWN_CODES[name], field=f"{name}_id")
            out[name] = obj
        else:
            out[name] = None
    target = fields.pop("target", None) or RuleTarget.DEPARTMENT
    if target not in RuleTarget.values:
        raise InvalidInput(_("Unknown value."), field="target", allowed=list(RuleTarget.values))
    out["target"] = target
    lead_id = fields.pop("lead_department_id", None)
    owner_ids = fields.pop("owner_ids", None) or []
    if target == RuleTarget.COMPONENT_OWNER:
        # The lead is the component's owner; `owner_ids`, when given, are the owners allowed.
        out["lead_department"] = None
        out["owner_ids"] = [
            _leading_department(actor, i, "owner_ids", "unknown_department").pk
            for i in dict.fromkeys(owner_ids)
        ]
    else:
        out["lead_department"] = _leading_department(
            actor, lead_id, "lead_department_id", "unknown_department"
        )
        out["owner_ids"] = []
    out["co_handler_ids"] = [
        _leading_department(actor, i, "co_handler_ids", "unknown_department").pk
        for i in fields.pop("co_handler_ids", None) or []
    ]
    out.update(_clean_conditions(fields))
    if out["polygon"] is not None:
        _check_inside_district(actor, out["polygon"])
    return out


def _check_inside_district(actor: Actor, polygon: dict[str, Any]) -> None:
    """A drawn area must lie inside the district (a jurisdiction without a boundary checks nothing)."""
    from zhiguan.geo.lookup import get_index

    district = get_index(actor.jurisdiction.pk).district
    # About 50 m of slack: a vertex clicked on the boundary line is not "outside".
    if district is not None and not district.buffer(0.0005).covers(shape(polygon)):
        raise InvalidInput(
            _("The drawn area must lie inside the district."), code="polygon_outside", field="polygon"
        )


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
        raise InvalidInput(
            _("Give the time window's start and end (different times)."),
            code="invalid_time_window",
            field="time_from",
        )
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
    old = _current_for_update(actor, key)
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


@transaction.atomic
def set_rule_retired(*, actor: Actor, key: int, retired: bool, reason: str = "") -> RoutingRule:
    """Retire a rule (it is no longer tried) or restore it, keeping its version and place in the order.

    The flag changes on the current version row: the conditions are unchanged, and every version
    stays for the cases it routed."""
    require(actor, "routing.manage")
    rule = _current_for_update(actor, key)
    if rule.retired != retired:
        rule.retired = retired
        rule.save(update_fields=["retired"])
        audit.record(
            actor=actor,
            action="routing.rule_retired" if retired else "routing.rule_restored",
            target=rule,
            before={"retired": not retired},
            after={"retired": retired},
            note=reason,
        )
    return rule


def _current_for_update(actor: Actor, key: int) -> RoutingRule:
    rule = (
        RoutingRule.objects.select_for_update()
        .filter(jurisdiction_id=actor.jurisdiction.pk, key=key, current=True)
        .first()
    )
    if rule is None:
        raise NotFound()
    return rule


# Positions are written 10 apart, so that a rule created with a position in between lands there.
POSITION_STEP = 10


@transaction.atomic
def reorder_rules(*, actor: Actor, keys: list[int]) -> list[RoutingRule]:
    """Put the rules in the order of `keys` (first is tried first), all or nothing.

    `keys` must name every current rule (retired ones too) exactly once; a list that does not
    (someone added or changed a rule meanwhile) is refused with `stale_order`. The order is a
    property of the list, not of a rule's content: positions change on the current rows, no
    versions are added, and the audit record holds the order before and after."""
    require(actor, "routing.manage")
    rows = list(
        RoutingRule.objects.select_for_update()
        .filter(jurisdiction_id=actor.jurisdiction.pk, current=True)
        .order_by("position", "key")
    )
    if len(keys) != len(set(keys)) or set(keys) != {r.key for r in rows}:
        raise Conflict(
            _("The list of rules has changed since you loaded it; reload and reorder again."),
            code="stale_order",
            field="keys",
        )
    before = [r.key for r in rows]
    by_key = {r.key: r for r in rows}
    ordered = [by_key[k] for k in keys]
    for i, rule in enumerate(ordered, start=1):
        rule.position = i * POSITION_STEP
    RoutingRule.objects.bulk_update(ordered, ["position"])
    if before != keys:
        audit.record(
            actor=actor,
            action="routing.rules_reordered",
            target=actor.jurisdiction,
            before={"order": before},
            after={"order": list(keys)},
        )
    return ordered


def dry_run(
    *,
    actor: Actor,
    category_id: int,
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    area_id: int | None = None,
    at: datetime | None = None,
    component: int | str | None = None,
    **attrs: Any,
) -> Route:
    """Where a case with these attributes, registered at `at` (default now), would go, and why,
    without creating anything. The place is a point (located like a new case) or an area (the
    case is put in it and in the areas around it); the route explains the rules it tried."""
    from zhiguan.geo.models import Area
    from zhiguan.geo.services import fill_location
    from zhiguan.taxonomy.models import Category

    require(actor, "routing.view")
    category = get_or_404(actor, Category.objects.all(), "taxonomy.view", pk=category_id)
    case = Case(jurisdiction=actor.jurisdiction, category=category, **attrs)
    if component not in (None, ""):
        from zhiguan.cases.components import resolve

        case.component = resolve(actor.jurisdiction.pk, component)
        if lng is None and lat is None and area_id is None and case.component.lng is not None:
            lng, lat, crs = case.component.lng, case.component.lat, "wgs84"
    if lng is not None and lat is not None:
        fill_location(case, jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    elif area_id is not None:
        area = get_or_404(actor, Area.objects.all(), "geo.view", pk=area_id)
        while area is not None:
            if area.level in ("street", "community", "grid"):
                setattr(case, f"{area.level}_id", area.pk)
            area = area.parent
    if at is not None and timezone.is_naive(at):
        at = timezone.make_aware(at)
    result = route(case, at=at, explain=True)
    result.case = case
    return result
