"""After a commit, listeners of `case_changed` hear of every timeline event, by id, and one failing
listener never stops the others."""

from __future__ import annotations

from zhiguan.cases import services
from zhiguan.cases.events import case_changed
from zhiguan.cases.models import CaseEvent


def _listen(heard, *, fail=False):
    def receiver(sender, case_id, event_id, action, **kwargs):
        if fail:
            raise RuntimeError("a broken listener")
        heard.append((case_id, event_id, action))

    return receiver


def test_moves_annotations_and_batches_are_told_after_commit_even_past_a_failing_listener(
    world, django_capture_on_commit_callbacks
):
    heard: list[tuple[int, int, str]] = []
    broken, good = _listen([], fail=True), _listen(heard)
    case_changed.connect(broken, dispatch_uid="test-broken")
    case_changed.connect(good, dispatch_uid="test-good")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = world.new_case()
            world.walk(case, "submit")
            system = world.system
            services.annotate(actor=system, case_id=case.pk, action="supervise", note="督办")
            services.annotate_many(
                [
                    services.Annotation(actor=system, case_id=case.pk, action="escalate", note=f"升级{i}")
                    for i in range(2)
                ]
            )
    finally:
        case_changed.disconnect(dispatch_uid="test-broken")
        case_changed.disconnect(dispatch_uid="test-good")
    events = list(CaseEvent.objects.filter(case=case).order_by("seq").values_list("pk", "action"))
    assert [a for _pk, a in events] == ["register", "submit", "supervise", "escalate", "escalate"]
    assert heard == [(case.pk, pk, action) for pk, action in events]
    assert case.events.filter(action="escalate").values_list("seq", flat=True).count() == 2


def test_an_annotation_leaves_the_status_and_the_version_and_writes_its_audit_record(world):
    from zhiguan.audit.models import AuditRecord

    case = world.walk(world.new_case(), "submit")
    version = case.version
    event = services.annotate(actor=world.system, case_id=case.pk, action="supervise", note="请加快办理")
    case.refresh_from_db()
    assert (case.status, case.version) == ("to_dispatch", version)
    assert (event.from_status, event.to_status, event.seq) == ("to_dispatch", "to_dispatch", 3)
    assert AuditRecord.objects.filter(action="case.supervised", object_id=str(case.pk)).count() == 1
