"""The dispatch dialog's deadlines and the dispatch queue's suggestions: what dispatching would do, nothing written."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.conftest import assert_error
from zhiguan.cases import queries, routing
from zhiguan.cases.models import CaseDeadline
from zhiguan.taxonomy.services import create_profile

TZ = ZoneInfo("Asia/Shanghai")
# A Monday morning in a week without holidays.
MONDAY_9 = datetime(2026, 11, 2, 9, tzinfo=TZ)


def test_the_preview_is_what_the_dispatch_then_sets(world):
    case = world.walk(world.new_case(), "submit")
    preview = world.api("dispatcher").get(f"cases/{case.number}/dispatch-preview").json()
    assert preview["lead_department_name"] == "城管局" and preview["rule_key"] is None
    # The world's standard profile: accept within 2 working hours, handle within 5 working days.
    assert preview["accept"]["rule"] == "working_hours" and preview["accept"]["working_hours"] == 2
    assert preview["handle"]["rule"] == "working_days" and preview["handle"]["working_days"] == 5
    assert preview["handle"]["explanation"]
    assert not CaseDeadline.objects.filter(case=case).exists(), "a preview writes nothing"

    dispatched = world.do(case, "dispatch", lead_department_id=None, co_handler_ids=None)
    rows = {d.stage: d for d in dispatched.deadlines.filter(active=True)}
    again = queries.dispatch_preview(world.actor("dispatcher"), case.number, now=rows["accept"].started_at)
    assert again.accept is not None and again.accept.at == rows["accept"].due_at
    assert again.handle.at == rows["handle"].due_at
    assert again.handle.explanation == rows["handle"].explanation


def test_the_preview_counts_working_time_only(world):
    case = world.walk(world.new_case(), "submit")
    # Friday 16:30 with office hours to 17:30 (or earlier): the 2 hours run into Monday.
    friday = datetime(2026, 11, 6, 16, 30, tzinfo=TZ)
    p = queries.dispatch_preview(world.actor("dispatcher"), case.number, now=friday)
    assert p.accept is not None and p.accept.at.astimezone(TZ).date() == datetime(2026, 11, 9).date()
    assert p.handle.at.astimezone(TZ).date() == datetime(2026, 11, 13).date()


def test_an_urgent_dispatch_previews_the_urgent_limits(world):
    case = world.walk(world.new_case(), "submit")
    api = world.api("dispatcher")
    urgent = api.get(f"cases/{case.number}/dispatch-preview", urgency="urgent").json()
    assert urgent["urgency"] == "urgent"
    assert urgent["accept"]["working_hours"] == 1 and urgent["handle"]["working_days"] == 2
    assert_error(api.get(f"cases/{case.number}/dispatch-preview", urgency="soon"), 422, "unknown_urgency")
    # The case itself keeps its urgency.
    assert api.get(f"cases/{case.number}").json()["urgency"] == "normal"


def test_a_matching_rules_profile_applies_only_when_its_department_is_chosen(world):
    supervisor = world.actor("supervisor")
    fast = create_profile(
        actor=world.system, code="fast", name="快办", accept_hours=1, handle_days=3, callback_days=2
    )
    rule = routing.create_rule(
        actor=supervisor,
        name="金沙占道归街道",
        category_id=world.category.pk,
        lead_department_id=world.depts["330114002"].pk,
        deadline_profile_id=fast.pk,
    )
    case = world.walk(world.new_case(), "submit")
    dispatcher = world.actor("dispatcher")
    suggested = queries.dispatch_preview(dispatcher, case.number, now=MONDAY_9)
    assert suggested.route.rule is not None and suggested.route.rule.key == rule.key
    assert suggested.handle.amount == 3
    chosen = queries.dispatch_preview(
        dispatcher, case.number, lead_department_id=world.depts["330114002"].pk, now=MONDAY_9
    )
    assert chosen.handle.amount == 3
    # Another department: "chosen by the dispatcher", the category's own profile (5 days).
    other = queries.dispatch_preview(
        dispatcher, case.number, lead_department_id=world.depts["JTJ"].pk, now=MONDAY_9
    )
    assert other.route.rule is None and other.handle.amount == 5


def test_the_preview_refuses_what_the_dispatch_would_refuse(world):
    case = world.walk(world.new_case(), "submit")
    api = world.api("dispatcher")
    gov = world.depts["GOV"].pk
    assert_error(
        api.get(f"cases/{case.number}/dispatch-preview", lead_department_id=gov), 422, "invalid_input"
    )
    assert_error(api.get("cases/NOPE-1/dispatch-preview"), 404, "not_found")
    # A handler may not look at routing.
    assert_error(world.api("lead").get(f"cases/{case.number}/dispatch-preview"), 403, "forbidden")


def test_the_queue_gets_each_cases_suggestion_and_rule_in_one_request(
    world, django_assert_max_num_queries, settings
):
    # The budget counts the cases' queries; the rate limit's counts are in the database cache only
    # in the embedded set-up.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    rule = routing.create_rule(
        actor=world.actor("supervisor"),
        name="油烟归环保",
        category_id=world.category.pk,
        lead_department_id=world.depts["HBJ"].pk,
        keywords=["油烟"],
    )
    smoky = [world.walk(world.new_case(), "submit") for _ in range(4)]
    plain = world.walk(world.new_case(description="路灯不亮"), "submit")
    numbers = [c.number for c in [*smoky, plain]]
    api = world.api("dispatcher")
    api.get("cases/routing/suggestions", number=numbers[:1])
    # Session, person, jurisdiction, roles, the cases, then one rules query per case.
    with django_assert_max_num_queries(5 + len(numbers)):
        r = api.get("cases/routing/suggestions", number=numbers)
    assert r.status_code == 200, r.content
    rows = {s["number"]: s for s in r.json()}
    assert list(rows) == numbers
    assert (
        rows[smoky[0].number]["rule_key"] == rule.key and rows[smoky[0].number]["rule_name"] == "油烟归环保"
    )
    assert rows[smoky[0].number]["lead_department_name"] == "环保局"
    assert rows[plain.number]["rule_key"] is None and rows[plain.number]["lead_department_name"] == "城管局"
    assert_error(api.get("cases/routing/suggestions", number=[f"N{i}" for i in range(101)]), 422, "too_many")
    assert_error(world.api("lead").get("cases/routing/suggestions", number=numbers), 403, "forbidden")
