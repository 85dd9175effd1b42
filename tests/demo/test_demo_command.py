"""`zhiguan demo` builds a living district, with or without the real data beside the repository."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from zhiguan.cases.models import Case
from zhiguan.geo.models import Area
from zhiguan.org.models import Department, User
from zhiguan.org.permissions import BUILTIN_ROLES
from zhiguan.taxonomy.models import Category
from zhiguan.taxonomy.standards import CODE_PREFIX

from ..conftest import SHARED_DATA

STREETS = {"白杨街道", "下沙街道", "义蓬街道", "新湾街道", "河庄街道", "前进街道", "临江街道"}


def _build(monkeypatch, data_dir) -> str:
    monkeypatch.setattr("zhiguan.demo.management.commands.demo.demo_data_dir", lambda: data_dir)
    out = StringIO()
    call_command("demo", "--cases", "90", stdout=out)
    return out.getvalue()


def _assert_living_district(output: str) -> None:
    assert {a.name for a in Area.objects.filter(level="street")} == STREETS
    assert Area.objects.filter(level="grid").count() > 100
    assert Department.objects.filter(kind="street").count() == 7
    for role in BUILTIN_ROLES:
        assert User.objects.filter(roles__code=role).exists(), f"no demo person has the role {role}"
        assert User.objects.filter(roles__code=role).first().username in output, (
            f"log-in for {role} not printed"
        )
    assert "Zhiguan@2026" in output
    assert Category.objects.filter(level=1).count() >= 12
    assert Case.objects.count() >= 80
    assert Case.objects.values("status").distinct().count() >= 10


@pytest.mark.django_db
def test_demo_builds_from_generated_content_when_the_real_data_is_absent(monkeypatch):
    output = _build(monkeypatch, None)
    assert "generated content only" in output
    _assert_living_district(output)
    _assert_cameras_see_the_work(output)


def _assert_cameras_see_the_work(output: str) -> None:
    """The dispatcher's 视频确认 has cameras to show: some open cases are seen by one, and a case
    verified by camera names a camera of the registry."""
    from zhiguan.cases.models import CaseEvent
    from zhiguan.cases.status import OPEN_STATUSES
    from zhiguan.video import coverage
    from zhiguan.video.models import Camera

    assert "cameras at problem spots" in output
    jid = Case.objects.values_list("jurisdiction_id", flat=True).first()
    index = coverage.index_for(jid)
    open_cases = list(Case.objects.filter(status__in=OPEN_STATUSES, lng__isnull=False))
    assert open_cases
    codes = set(Camera.objects.values_list("code", flat=True))
    verified = [
        e.payload.get("camera")
        for e in CaseEvent.objects.filter(action="verify_pass")
        if e.payload.get("method") == "camera"
    ]
    assert verified and set(verified) <= codes
    seen = sum(1 for c in open_cases if index.visible_from(c.lng, c.lat, limit=1))
    assert seen >= len(open_cases) * 0.2, (seen, len(open_cases))


@pytest.mark.django_db
def test_demo_uses_the_real_data_when_present(monkeypatch):
    if not (SHARED_DATA / "geo_hangzhou").is_dir():
        pytest.skip(f"real data not available: {SHARED_DATA}")
    output = _build(monkeypatch, SHARED_DATA)
    assert "real data" in output
    _assert_living_district(output)
    # The 517 TipDM leaves, beside the 数字城管 standard tree the demo installs too.
    assert Category.objects.filter(level=3).exclude(code__startswith=CODE_PREFIX).count() == 517
    assert Category.objects.filter(level=3, code__startswith=CODE_PREFIX).count() > 100


@pytest.mark.django_db
def test_demo_is_not_loaded_twice(monkeypatch):
    _build(monkeypatch, None)
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "not loaded again" in out.getvalue()
