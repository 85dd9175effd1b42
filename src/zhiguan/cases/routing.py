"""Routing: which department leads a case. First matching rule wins, else the category's default.

Rules are versioned (editing adds a version row), so a dispatched case keeps the exact rule
version that routed it, and later edits never change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases.models import Case, RoutingRule
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, get_or_404, require


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


def rule_matches(rule: RoutingRule, case: Case, category_chain: list[int]) -> bool:
    """Every condition the rule sets holds for the case (a category matches its descendants too)."""
    if rule.category_id is not None and rule.category_id not in category_chain:
        return False
    if rule.area_id is not None and rule.area_id not in (case.street_id, case.community_id, case.grid_id):
        return False
    if rule.request_types and case.request_type not in rule.request_types:
        return False
    if rule.channels and case.channel not in rule.channels:
        return False
    if rule.urgencies and case.urgency not in rule.urgencies:
        return False
    text = case.description or ""
    return not rule.keywords or any(k and k in text for k in rule.keywords)


def route(case: Case) -> Route:
    """Where the case would go, by which rule (and version), and why."""
    from zhiguan.taxonomy.queries import effective_lead_department

    chain = _category_chain(case.category)
    rules = RoutingRule.objects.filter(jurisdiction_id=case.jurisdiction_id, current=True, retired=False)
    for rule in rules.select_related("lead_department", "deadline_profile").order_by("position", "key"):
        if rule_matches(rule, case, chain):
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
    dept = Department.objects.filter(
        pk=dept_id if isinstance(dept_id, int) else None, jurisdiction_id=actor.jurisdiction.pk
    ).first()
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
    out.update(fields)
    return out


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
    **attrs: Any,
) -> Route:
    """Where a case with these attributes would go, without creating anything."""
    from zhiguan.geo.services import fill_location
    from zhiguan.taxonomy.models import Category

    require(actor, "routing.view")
    category = get_or_404(actor, Category.objects.all(), "taxonomy.view", pk=category_id)
    case = Case(jurisdiction=actor.jurisdiction, category=category, **attrs)
    if lng is not None and lat is not None:
        fill_location(case, jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    return route(case)
