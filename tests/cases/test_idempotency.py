"""Idempotency keys are honest: a key repeats one sender's one request, nothing else."""

from __future__ import annotations

from django.test import Client

from tests.conftest import assert_error
from zhiguan.cases.models import Case, CaseEvent

from .conftest import INSIDE
from .test_visibility_and_safety import _body as registration_body


def _body(world, **overrides):
    return registration_body(world, channel="hotline", lng=INSIDE[0], lat=INSIDE[1], **overrides)


def test_the_same_key_with_a_different_request_is_refused_and_changes_nothing(world):
    api = world.api("operator")
    api.headers["Idempotency-Key"] = "k-1"
    first = api.post("cases", _body(world))
    assert first.status_code == 201
    counts = (Case.objects.count(), CaseEvent.objects.count())
    r = api.post("cases", _body(world, description="另一件事：井盖缺失"))
    assert_error(r, 422, "idempotency_key_reused")
    assert r.json()["error"]["details"]["field"] == "Idempotency-Key"
    assert (Case.objects.count(), CaseEvent.objects.count()) == counts
    # The honest retry still answers the first case.
    again = api.post("cases", _body(world))
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]


def test_another_staff_member_reusing_a_key_gets_their_own_case(world):
    one, two = world.api("operator"), world.api("dispatcher")
    one.headers["Idempotency-Key"] = two.headers["Idempotency-Key"] = "shared"
    a, b = one.post("cases", _body(world)), two.post("cases", _body(world))
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()["number"] != b.json()["number"]


def test_an_anonymous_submission_never_learns_a_staff_case_through_a_shared_key(world):
    staff = world.api("operator")
    staff.headers["Idempotency-Key"] = "guessable-1"
    number = staff.post("cases", _body(world)).json()["number"]
    form = {
        "jurisdiction": world.jurisdiction.code,
        "request_type": "complaint",
        "category_id": world.category.pk,
        "description": "路灯不亮",
        "name": "李四",
        "phone": "13912345678",
    }
    r = Client(headers={"Idempotency-Key": "guessable-1"}).post("/api/v1/cases/public/submit", data=form)
    assert r.status_code == 201, r.content
    assert r.json()["number"] != number
