"""Query-count ceilings for the hot paths, and the speed-ups that must not change behaviour.

The ceilings are what the paths take today (docs/decisions/034-case-performance.md): a change that
adds a query per request (an N+1, a read-back, a per-call cache check) fails here before it shows
in the intake benchmark.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.cases.conftest import INSIDE, World, build_world
from tests.conftest import ApiClient, is_postgres
from zhiguan.cases import deadlines, queries, registration, tasks
from zhiguan.cases.models import Case, CaseDeadline, CaseEvent
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_client, issue_token

# Registering through the API as a channel client: token, idempotency look-up, category, area
# version, number, case, reporters, event, audit (+ savepoints).
CREATE_MAX_QUERIES = 12
# Dispatching through the API as a dispatcher (session, roles, lock, routing, two stages, task,
# event, warning level, audit and the three reads of the answer).
DISPATCH_MAX_QUERIES = 36


def _channel_api(world: World) -> ApiClient:
    system = Actor.system(world.jurisdiction)
    client = create_client(actor=system, name="App", kind="channel", scopes=["case.create", "case.view"])
    return ApiClient(Client(), token=issue_token(actor=system, client_id=client.pk)[1])


def _body(world: World, ref: str) -> dict[str, Any]:
    return {
        "request_type": "complaint",
        "channel": "app",
        "category_id": world.category.pk,
        "description": "小区门口占道经营",
        "reporters": [{"name": "王小明", "phone": "13812345678"}],
        "lng": INSIDE[0],
        "lat": INSIDE[1],
        "external_ref": ref,
    }


@pytest.fixture
def _cache_in_memory(settings):
    # The budgets count the case's own queries; the rate limit's counts live in the database cache
    # only in the embedded set-up (Redis in production).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.mark.usefixtures("_cache_in_memory")
def test_registering_a_case_over_the_api_stays_within_its_query_budget(world, django_assert_max_num_queries):
    api = _channel_api(world)
    assert api.post("cases", _body(world, "warm")).status_code == 201
    with django_assert_max_num_queries(CREATE_MAX_QUERIES):
        r = api.post("cases", _body(world, "measured"))
    assert r.status_code == 201, r.content
    body = r.json()
    # Answered from memory, and the same as reading it back.
    assert body == api.get(f"cases/{body['number']}").json()
    assert body["reporters"] == [{"name": "王**", "phone": "138****5678", "id_number": ""}]
    assert body["tasks"] == [] and body["deadlines"] == [] and body["allowed_actions"] == []


@pytest.mark.usefixtures("_cache_in_memory")
def test_dispatching_over_the_api_stays_within_its_query_budget(world, django_assert_max_num_queries):
    case = world.walk(world.new_case(), "submit")
    dispatcher = world.api("dispatcher")
    assert dispatcher.get(f"cases/{case.number}").status_code == 200
    with django_assert_max_num_queries(DISPATCH_MAX_QUERIES):
        r = dispatcher.post(f"cases/{case.number}/actions/dispatch", {})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body == dispatcher.get(f"cases/{case.number}").json()
    assert [d["stage"] for d in body["deadlines"]] == ["accept", "handle"]
    assert body["tasks"][0]["department_name"] == world.depts["CGJ"].name


def test_a_case_the_actor_may_not_see_is_404_even_while_another_holds_it(world):
    from tests.conftest import assert_error

    case = world.walk(world.new_case(), "submit")
    other = world.api("other")  # a handler of another bureau: the case is outside their scope
    assert_error(other.post(f"cases/{case.number}/actions/accept", {}), 404, "not_found")


def test_numbers_are_sequential_per_day(world):
    from datetime import date

    first = registration.next_number(world.jurisdiction.pk, "330114", date(2026, 11, 26))
    second = registration.next_number(world.jurisdiction.pk, "330114", date(2026, 11, 26))
    other_day = registration.next_number(world.jurisdiction.pk, "330114", date(2026, 11, 27))
    assert (first, second, other_day) == (
        "330114-20261126-00001",
        "330114-20261126-00002",
        "330114-20261127-00001",
    )


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (concurrent transactions)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_numbers(jurisdiction):
    world = build_world(jurisdiction)
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run(k: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                numbers.append(world.new_case(external_ref=f"c{k}-{i}", channel="app").number)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(numbers)) == 20


def test_a_profile_without_acceptance_time_dispatches_with_a_handling_stage_only(world):
    """Bug: a 0-hour acceptance profile (consultations) failed dispatch with invalid_working_hours."""
    from zhiguan.cases.models.work import Stage
    from zhiguan.taxonomy.profiles import create_profile
    from zhiguan.taxonomy.services import create_category

    profile = create_profile(
        actor=world.system, code="answer_only", name="咨询", accept_hours=0, handle_days=1, callback_days=1
    )
    category = create_category(
        actor=world.system,
        name="政策咨询（转办）",
        deadline_profile_id=profile.pk,
        default_lead_department_id=world.depts["CGJ"].pk,
    )
    case = world.walk(world.new_case(category_id=category.pk, request_type="consultation"), "submit")
    r = world.api("dispatcher").post(f"cases/{case.number}/actions/dispatch", {})
    assert r.status_code == 200, r.content
    body = r.json()
    assert [d["stage"] for d in body["deadlines"]] == [Stage.HANDLE]
    assert body["tasks"][0]["accept_due"] is None and body["tasks"][0]["handle_due"]
    case = world.do(Case.objects.get(pk=case.pk), "accept")
    assert case.status == "in_progress" and not case.tasks.get(role="lead").accept_late


def test_the_batched_sweep_agrees_with_the_per_case_rule(world):
    from datetime import timedelta

    from django.utils import timezone

    cases = [world.walk(world.new_case(), "submit", "dispatch") for _ in range(3)]
    now = timezone.now()
    # One overdue, one near its deadline, one fresh.
    CaseDeadline.objects.filter(case=cases[0], active=True).update(due_at=now - timedelta(hours=1))
    handle = CaseDeadline.objects.get(case=cases[1], stage="handle", active=True)
    CaseDeadline.objects.filter(case=cases[1], active=True).update(
        started_at=now - timedelta(days=40), due_at=handle.due_at
    )
    Case.objects.update(warning_level="green")
    tasks.sweep_warning_levels(batch_size=2)
    for case in cases:
        case.refresh_from_db()
        assert case.warning_level == deadlines.warning_level_at(case, timezone.now())
    assert cases[0].warning_level == "red"
    # Escalation is supervision's sweep, scheduled beside this one.
    from zhiguan.supervision import tasks as supervision_tasks

    supervision_tasks.sweep()
    assert CaseEvent.objects.filter(case=cases[0], action="escalate").count() >= 1


def test_the_list_total_is_exact_below_the_limit(world):
    for i in range(3):
        world.new_case(external_ref=f"L{i}", channel="app")
    result = queries.page(world.actor("dispatcher"), queries.CaseFilter(channel="app"))
    assert (result["total"], result["count_is_estimate"]) == (3, False)
    total, estimate = queries.count(Case.objects.all(), limit=2)
    if connection.vendor == "postgresql":
        assert estimate is True and total >= 3
    else:
        assert (total, estimate) == (3, False)
