"""The alarm rule, whatever order a sensor's messages come in: one case per alarm id, the clearing
recorded once, nothing after the clearing changes the alarm."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cases.conftest import INSIDE
from zhiguan.cases.models import Case
from zhiguan.errors import NotFound
from zhiguan.intake.channels import services
from zhiguan.intake.channels.models import Alarm

_ids = itertools.count()
MESSAGES = st.lists(
    st.tuples(st.sampled_from(["active", "cleared"]), st.integers(1, 4)), min_size=1, max_size=8
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(messages=MESSAGES)
def test_one_case_per_alarm_and_one_clearing(world, messages):
    from zhiguan.taxonomy.models import Category

    if not Category.objects.filter(name="井盖").exists():
        from zhiguan.taxonomy.services import create_category

        create_category(actor=world.system, name="井盖", parent_id=world.category.parent_id)
    alarm_id = f"P-{next(_ids)}"
    start = timezone.now()
    raised = False
    for i, (state, level) in enumerate(messages):
        try:
            services.alarm(
                actor=world.system,
                alarm_id=alarm_id,
                device_id="JG-1",
                alarm_type="manhole_cover",
                level=level,
                occurred_at=start + timedelta(minutes=i),
                state=state,
                lng=INSIDE[0],
                lat=INSIDE[1],
            )
            raised = True
        except NotFound:
            assert not raised and state == "cleared"  # a clearing before any raise is refused
    cases = Case.objects.filter(channel="sensor", external_ref=alarm_id)
    assert cases.count() == (1 if raised else 0)
    if not raised:
        return
    row = Alarm.objects.get(alarm_id=alarm_id)
    first_raise = next(i for i, (s, _lvl) in enumerate(messages) if s == "active")
    cleared = any(s == "cleared" for s, _lvl in messages[first_raise + 1 :])
    assert (row.state == "cleared") == cleared
    assert cases.get().events.filter(action="alarm_clear").count() == (1 if cleared else 0)
