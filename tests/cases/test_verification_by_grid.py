"""Verification assigned by grid duty, and on-site verification with the inspector's own position."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import assert_error
from zhiguan.audit.models import AuditRecord
from zhiguan.cases import services
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.errors import InvalidInput
from zhiguan.geo.crs import from_wgs84
from zhiguan.org.duty import current_duties, on_duty, set_grid_duty
from zhiguan.org.models import GridDuty

from .conftest import EAST, INSIDE

TO_FEED_BACK = ["submit", "dispatch", "accept", "reply"]


def _on_duty(world, name):
    return set_grid_duty(
        actor=world.system, grid_id=world.areas["G1"].pk, person_id=world.users[name].pk if name else None
    )


def _fed_back(world, **overrides):
    return world.do(world.walk(world.new_case(**overrides), *TO_FEED_BACK), "feed_back")


def test_a_case_fed_back_goes_to_the_inspector_on_duty_for_its_grid(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    assert case.status == "to_verify"
    assert Case.objects.get(pk=case.pk).verifier_id == world.users["inspector"].pk
    feed_back, assigned = CaseEvent.objects.filter(case=case).order_by("-seq")[:2][::-1]
    assert (feed_back.action, assigned.action) == ("feed_back", "auto_assign_inspector")
    assert (assigned.from_status, assigned.to_status, assigned.actor_label) == (
        "to_verify",
        "to_verify",
        "system",
    )
    assert assigned.payload["inspector_id"] == world.users["inspector"].pk
    assert assigned.payload["grid"] == "下沙街道 金沙1号网格"
    assert assigned.note == "Assigned for verification by grid: inspector (下沙街道 金沙1号网格)"
    assert (
        AuditRecord.objects.filter(action="case.inspector_assigned_by_grid", object_id=str(case.pk)).count()
        == 1
    )
    # The inspector now sees the case and may verify it on site.
    assert "verify_pass" in services.allowed_actions(actor=world.actor("inspector"), case=case)
    assert "verify_pass" not in services.allowed_actions(actor=world.actor("inspector2"), case=case)


def test_the_timeline_is_continuous_and_the_version_counts_the_move_once(world):
    _on_duty(world, "inspector")
    before = world.walk(world.new_case(), *TO_FEED_BACK)
    case = world.do(before, "feed_back")
    assert case.version == before.version + 1
    seqs = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_nobody_on_duty_leaves_the_case_for_the_dispatcher(world):
    case = _fed_back(world)
    assert Case.objects.get(pk=case.pk).verifier_id is None
    assert not CaseEvent.objects.filter(case=case, action="auto_assign_inspector").exists()
    case = world.do(case, "assign_inspector", inspector_id=world.users["inspector2"].pk)
    assert Case.objects.get(pk=case.pk).verifier_id == world.users["inspector2"].pk


def test_the_dispatcher_can_still_reassign(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    case = world.do(case, "assign_inspector", inspector_id=world.users["inspector2"].pk)
    assert Case.objects.get(pk=case.pk).verifier_id == world.users["inspector2"].pk
    assert "verify_pass" in services.allowed_actions(actor=world.actor("inspector2"), case=case)


def test_a_case_outside_any_duty_grid_or_without_a_place_is_not_assigned(world):
    _on_duty(world, "inspector")
    east = _fed_back(world, lng=EAST[0], lat=EAST[1])
    nowhere = _fed_back(world, lng=None, lat=None)
    assert Case.objects.get(pk=east.pk).verifier_id is None
    assert Case.objects.get(pk=nowhere.pk).verifier_id is None


def test_rework_goes_back_to_the_same_inspector_without_a_second_assignment(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    _on_duty(world, "inspector2")  # the grid changed hands meanwhile
    case = world.do(case, "verify_fail")
    case = world.do(world.walk(case, "reply"), "feed_back")
    assert Case.objects.get(pk=case.pk).verifier_id == world.users["inspector"].pk
    assert CaseEvent.objects.filter(case=case, action="auto_assign_inspector").count() == 1


@pytest.mark.parametrize(
    "duty, inspector_active, expected",
    [
        ("inspector", True, "inspector"),
        ("inspector", False, None),  # a deactivated inspector is not given work
        (None, True, None),
    ],
)
def test_who_gets_the_verification(world, duty, inspector_active, expected):
    _on_duty(world, duty)
    if not inspector_active:
        world.users["inspector"].is_active = False
        world.users["inspector"].save()
    case = _fed_back(world)
    verifier = Case.objects.get(pk=case.pk).verifier_id
    assert verifier == (world.users[expected].pk if expected else None)


# ---- the grid duty itself ----------------------------------------------------------------------


def test_a_new_duty_ends_the_previous_one_and_is_audited(world):
    first = _on_duty(world, "inspector")
    second = _on_duty(world, "inspector2")
    first.refresh_from_db()
    assert first.until is not None and second.until is None
    assert (
        on_duty(jurisdiction_id=world.jurisdiction.pk, grid_id=world.areas["G1"].pk).person
        == world.users["inspector2"]
    )
    assert _on_duty(world, "inspector2").pk == second.pk  # the same person again: no change
    assert AuditRecord.objects.filter(action="grid_duty.set").count() == 2
    assert _on_duty(world, None) is None
    assert list(current_duties(actor=world.system)) == []


@pytest.mark.parametrize(
    "grid, person, field",
    [("33011400201", "inspector", "grid_id"), ("G1", "dispatcher", "person_id"), ("G1", "lead", "person_id")],
)
def test_a_duty_is_a_grid_and_an_inspector(world, grid, person, field):
    with pytest.raises(InvalidInput) as info:
        set_grid_duty(actor=world.system, grid_id=world.areas[grid].pk, person_id=world.users[person].pk)
    assert info.value.details["field"] == field
    assert GridDuty.objects.count() == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.sampled_from(["inspector", "inspector2", None]), max_size=8))
def test_a_grid_has_at_most_one_inspector_on_duty_the_last_one_set(world, changes):
    GridDuty.objects.all().delete()
    for name in changes:
        _on_duty(world, name)
    current = list(GridDuty.objects.filter(until__isnull=True))
    last = changes[-1] if changes else None
    assert [d.person_id for d in current] == ([world.users[last].pk] if last else [])
    # Every real change left a row; none was deleted or edited into another person.
    real_changes = [
        n for prev, n in zip([None, *changes], changes, strict=False) if n != prev and n is not None
    ]
    assert GridDuty.objects.count() == len(real_changes)


def test_the_grid_duty_api_reads_for_staff_and_sets_for_the_administrator(world):
    grid = world.areas["G1"].pk
    admin, dispatcher = world.api("admin"), world.api("dispatcher")
    r = admin.put(f"org/grid-duties/{grid}", {"person_id": world.users["inspector"].pk})
    assert r.status_code == 200, r.content
    assert r.json()["grid_label"] == "下沙街道 金沙1号网格"
    listed = dispatcher.get("org/grid-duties").json()
    assert [(d["grid_id"], d["person_id"]) for d in listed] == [(grid, world.users["inspector"].pk)]
    assert_error(dispatcher.put(f"org/grid-duties/{grid}", {"person_id": None}), 403, "forbidden")
    assert admin.put(f"org/grid-duties/{grid}", {"person_id": None}).status_code == 204
    assert dispatcher.get("org/grid-duties").json() == []


def test_the_case_page_names_who_verifies(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    body = world.api("dispatcher").get(f"cases/{case.number}").json()
    assert (body["verifier_id"], body["verifier_name"]) == (world.users["inspector"].pk, "inspector")


# ---- verifying with one's own position ----------------------------------------------------------


def _site(world, case, **position):
    photo = services.upload_attachment(actor=world.actor("inspector"), upload=_jpeg(), field="attachment_ids")
    return services.perform(
        actor=world.actor("inspector"),
        case_id=case.pk,
        action="verify_pass",
        method="site",
        attachment_ids=[photo.pk],
        **position,
    )


def _jpeg():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.files import JPEG

    return SimpleUploadedFile("site.jpg", JPEG, content_type="image/jpeg")


def test_the_inspector_verifies_with_their_own_position_and_the_distance_is_recorded(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    # About 35 m north of the case's point.
    stood = (INSIDE[0], INSIDE[1] + 35 / 111_195)
    case = _site(world, case, lng=stood[0], lat=stood[1], accuracy=8.4)
    assert case.status == "verified"
    event = CaseEvent.objects.get(case=case, action="verify_pass")
    assert (event.payload["lng"], event.payload["lat"]) == (round(stood[0], 7), round(stood[1], 7))
    assert event.payload["crs"] == "wgs84" and event.payload["accuracy_m"] == 8
    assert event.payload["distance_m"] == 35
    assert event.attachments.count() == 1


def test_a_gcj02_position_is_converted_before_the_distance_is_measured(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    lng, lat = from_wgs84(*INSIDE, "gcj02")
    case = _site(world, case, lng=float(lng), lat=float(lat), crs="gcj02")
    event = CaseEvent.objects.get(case=case, action="verify_pass")
    assert event.payload["distance_m"] == 0  # the raw GCJ-02 point is some 500 m away


def test_an_on_site_verification_without_the_inspectors_position_is_refused(world):
    _on_duty(world, "inspector")
    case = _fed_back(world)
    with pytest.raises(InvalidInput) as info:
        _site(world, case)
    assert info.value.details["field"] == "lng"
    assert Case.objects.get(pk=case.pk).status == "to_verify"


def test_a_verification_of_a_case_without_a_point_has_no_distance(world):
    case = _fed_back(world, lng=None, lat=None)
    case = world.do(case, "assign_inspector")
    case = _site(world, case, lng=INSIDE[0], lat=INSIDE[1])
    assert CaseEvent.objects.get(case=case, action="verify_pass").payload["distance_m"] is None
