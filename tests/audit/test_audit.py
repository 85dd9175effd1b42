import pytest

from zhiguan.audit.models import AppendOnlyError, AuditRecord
from zhiguan.org.models import User


def test_every_write_through_the_api_is_audited_with_who_and_from_where(
    api_as, jurisdiction, root_department
):
    admin = api_as("admin", jurisdiction=jurisdiction)
    admin.client.defaults["REMOTE_ADDR"] = "10.1.2.3"
    r = admin.patch(f"org/departments/{root_department.pk}", {"name": "钱塘区政府", "reason": "更名"})
    assert r.status_code == 200
    rec = AuditRecord.objects.filter(action="department.updated").get()
    assert rec.actor_user == admin.user and rec.jurisdiction == jurisdiction
    assert rec.before["name"] == "区政府" and rec.after["name"] == "钱塘区政府"
    assert rec.ip == "10.1.2.3" and rec.request_id


def test_revealing_personal_data_is_audited_with_the_reason(api_as, make_user, jurisdiction):
    target = make_user("handler", jurisdiction=jurisdiction, mobile="13812345678")
    dispatcher = api_as("dispatcher", jurisdiction=jurisdiction)
    listed = {p["id"]: p for p in dispatcher.get("org/people").json()}
    assert listed[target.pk]["mobile_masked"] == "138****5678"
    r = dispatcher.post(f"org/people/{target.pk}/reveal", {"reason": "联系承办人"})
    assert r.json() == {"mobile": "13812345678"}
    rec = AuditRecord.objects.get(action="person.revealed")
    assert rec.actor_user == dispatcher.user and rec.object_id == str(target.pk) and rec.note == "联系承办人"


def test_reveal_without_a_reason_is_refused_and_not_logged(api_as, make_user, jurisdiction):
    target = make_user("handler", jurisdiction=jurisdiction, mobile="13812345678")
    dispatcher = api_as("dispatcher", jurisdiction=jurisdiction)
    assert dispatcher.post(f"org/people/{target.pk}/reveal", {"reason": "  "}).status_code == 422
    assert not AuditRecord.objects.filter(action="person.revealed").exists()


def test_audit_log_is_append_only_through_the_application(api_as, jurisdiction, root_department):
    rec = AuditRecord.objects.first()
    assert rec is not None  # creating the root department wrote one
    rec.note = "tampered"
    with pytest.raises(AppendOnlyError):
        rec.save()
    with pytest.raises(AppendOnlyError):
        rec.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=rec.pk).update(note="tampered")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.get(pk=rec.pk).note == ""


def test_leader_reads_the_audit_log_of_own_jurisdiction_only(api_as, jurisdiction, other_jurisdiction):
    from zhiguan.org.permissions import Actor
    from zhiguan.org.services import create_department

    create_department(actor=Actor.system(jurisdiction), code="A", name="甲", kind="bureau")
    create_department(actor=Actor.system(other_jurisdiction), code="B", name="乙", kind="bureau")
    records = api_as("leader", jurisdiction=jurisdiction).get("audit/records").json()
    assert {r["object_repr"] for r in records} == {"甲"}
    assert User.objects.count() == 1


def test_archiving_moves_old_records_to_a_file_and_audits_itself(jurisdiction, root_department, tmp_path):
    import gzip
    import json
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    old = AuditRecord.objects.get()
    call_command(
        "audit_archive",
        "--before",
        (timezone.localdate() + timedelta(days=1)).isoformat(),
        "--to",
        str(tmp_path / "a.jsonl.gz"),
    )
    with gzip.open(tmp_path / "a.jsonl.gz", "rt", encoding="utf-8") as archive:
        lines = archive.read().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [old.pk]
    assert list(AuditRecord.objects.values_list("action", flat=True)) == ["audit.archived"]
