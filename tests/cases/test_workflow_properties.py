"""Properties of the workflow under random sequences of actions, and concurrency on PostgreSQL."""

from __future__ import annotations

import itertools
import threading

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import is_postgres
from zhiguan.cases import services, workflow
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.cases.status import Status
from zhiguan.errors import Conflict, DomainError

from .conftest import build_world


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=st.lists(st.sampled_from(workflow.ACTIONS), max_size=25))
def test_random_actions_keep_the_case_inside_the_table_with_a_continuous_timeline(world, actions):
    case = world.new_case()
    for action in actions:
        try:
            case = world.do(case, action)
        except DomainError:
            case = Case.objects.get(pk=case.pk)
        assert case.status in Status.values
    events = list(CaseEvent.objects.filter(case=case).order_by("seq"))
    assert events[0].action == "register" and events[0].to_status == "registered"
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    for before, after in itertools.pairwise(events):
        assert after.from_status == before.to_status
        row = workflow.lookup(after.from_status, after.action)
        assert row is not None and after.to_status in row.next_statuses and after.role in row.roles
    assert Case.objects.get(pk=case.pk).status == events[-1].to_status
    assert Case.objects.get(pk=case.pk).version == len(events)


@pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (real row locks)")
@pytest.mark.django_db(transaction=True)
def test_two_actors_at_once_exactly_one_wins_and_one_event_is_written(jurisdiction):
    world = build_world(jurisdiction)
    case = world.walk(world.new_case(), "submit")
    actors = [world.actor("dispatcher"), world.actor("supervisor")]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(actor):
        try:
            barrier.wait()
            services.perform(
                actor=actor,
                case_id=case.pk,
                action="dispatch",
                expected_version=case.version,
                lead_department_id=world.depts["CGJ"].pk,
            )
            results.append("ok")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(a,)) for a in actors]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(case=case, action="dispatch").count() == 1
    assert Case.objects.get(pk=case.pk).tasks.count() == 1
