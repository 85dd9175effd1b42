"""The monthly report says what the database holds, for exactly the reader's scope, as a PDF a person can read."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from tests.cases.conftest import EAST
from tests.conftest import assert_error
from zhiguan.assessment.report import data, services
from zhiguan.assessment.report.models import MonthlyReport
from zhiguan.cases.models import Case
from zhiguan.notifications.models import OutboxMessage
from zhiguan.org.models import DataScope, Role, User

MONTH = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _clock(monkeypatch: Any) -> None:
    # "Today" is in December 2026 whatever the machine's date: October is a finished month.
    monkeypatch.setattr(data.timezone, "localdate", lambda *a: date(2026, 12, 7))


def _text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return out.stdout.decode()


def _in(case: Case, day: date) -> Case:
    when = data._start(day) + timedelta(hours=10)
    Case.objects.filter(pk=case.pk).update(created_at=when)
    return case


@pytest.fixture
def october(world: Any) -> dict[str, int]:
    """Four requests in 下沙街道 and two in 白杨街道 in October, one in September, one in November."""
    for k in range(4):
        _in(world.new_case(description=f"金沙路{k}号门口占道经营，油烟扰民"), MONTH + timedelta(days=k))
    for k in range(2):
        _in(
            world.new_case(
                lng=EAST[0], lat=EAST[1], address="白杨街道学林街", description=f"学林街{k}号噪声扰民"
            ),
            MONTH + timedelta(days=10 + k),
        )
    _in(world.new_case(description="九月的一件"), date(2026, 9, 15))
    _in(world.new_case(description="十一月的一件"), date(2026, 11, 2))
    return {"whole": 6, "xiasha": 4}


@pytest.fixture
def street_leader(world: Any) -> User:
    """A leader who oversees one street only (own department and below)."""
    role = Role.objects.create(
        code="street_leader",
        name="街道领导",
        data_scope=DataScope.DEPARTMENT_TREE,
        permissions=["case.view", "supervision.view"],
    )
    user = User.objects.create_user(
        username="xiasha-leader",
        password="Zg-test-pass-2026",
        jurisdiction=world.jurisdiction,
        department=world.depts["330114002"],
        full_name="下沙街道领导",
        mobile="13900000002",
    )
    user.roles.set([role])
    return user


def test_the_command_writes_a_pdf_whose_text_holds_the_months_total(world, october, tmp_path):
    out, page = tmp_path / "report.pdf", tmp_path / "report.html"
    call_command(
        "report", "monthly", "2026-10", "--jurisdiction", "330114", "--out", str(out), "--html", str(page)
    )
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    total = Case.objects.filter(
        jurisdiction=world.jurisdiction,
        created_at__gte=data._start(MONTH),
        created_at__lt=data._start(date(2026, 11, 1)),
    ).count()
    assert total == october["whole"]
    assert f"共受理群众诉求 {total} 件" in text
    assert "环比上升 500.0%" in text  # six against September's one
    for heading in ("综合分析月报", "2026年10月", "数据截至", "受理渠道", "诉求类别", "办理时效", "典型案件"):
        assert heading in text
    assert "下沙街道" in text and "白杨街道" in text
    # Every page after the cover is numbered "第 n 页 共 m 页".
    pages = text.count("\f")
    assert re.search(rf"第\s*2\s*页\s*共\s*{pages}\s*页", text)
    assert not re.search(r"第\s*1\s*页", text)  # the cover has no number
    assert "<svg" in page.read_text(encoding="utf-8")
    # Chinese typeset in Noto Sans CJK SC only: no fallback font, so no missing-glyph boxes.
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, check=True).stdout.decode()
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert names and all(n.startswith("Noto-Sans-CJK-SC") for n in names), names


def test_a_leader_of_one_street_gets_only_that_streets_figures(world, october, street_leader, tmp_path):
    out = tmp_path / "street.pdf"
    call_command(
        "report",
        "monthly",
        "2026-10",
        "--jurisdiction",
        "330114",
        "--out",
        str(out),
        "--user",
        street_leader.username,
    )
    text = _text(out.read_bytes())
    assert f"共受理群众诉求 {october['xiasha']} 件" in text
    assert f"共受理群众诉求 {october['whole']} 件" not in text
    assert "钱塘区 · 下沙街道" in text
    assert "学林街" not in text  # no case of 白杨街道 among the notable ones


@pytest.mark.parametrize("month", ["2026-13", "26-10", "october", "2027-01"])
def test_a_bad_or_future_month_is_one_chinese_line_and_exit_2(world, month, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("report", "monthly", month, "--jurisdiction", "330114", "--out", str(tmp_path / "x.pdf"))
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "月份" in err
    assert not (tmp_path / "x.pdf").exists()


def test_an_unknown_jurisdiction_is_exit_2(world, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "report", "monthly", "2026-10", "--jurisdiction", "999999", "--out", str(tmp_path / "x.pdf")
        )
    assert exit_.value.code == 2
    assert "999999" in capsys.readouterr().err


def test_the_api_generates_lists_and_downloads_within_the_readers_scope(
    world, october, street_leader, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.conftest import ApiClient

    leader = world.api("leader")
    with django_capture_on_commit_callbacks(execute=True):
        answer = leader.post("reports/monthly", {"month": "2026-10"})
    assert answer.status_code == 202, answer.content
    assert answer.json()["status"] == "queued"
    listed = leader.get("reports").json()
    assert [(r["month"], r["status"], r["total"]) for r in listed] == [("2026-10", "done", october["whole"])]
    pdf = leader.get(listed[0]["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert f"共受理群众诉求 {october['whole']} 件" in _text(b"".join(pdf.streaming_content))
    page = leader.get(listed[0]["html_url"])
    assert page.status_code == 200 and "frame-ancestors 'self'" in page["Content-Security-Policy"]
    assert "<svg" in b"".join(page.streaming_content).decode()

    client = Client()
    client.force_login(street_leader)
    narrow = ApiClient(client)
    assert narrow.get("reports").json() == []  # the district's report is not theirs to read
    assert_error(narrow.get(listed[0]["pdf_url"]), 404, "not_found")
    with django_capture_on_commit_callbacks(execute=True):
        mine = narrow.post("reports/monthly", {"month": "2026-10"}).json()
    assert narrow.get(f"reports/{mine['id']}/pdf").status_code == 200
    assert MonthlyReport.objects.get(pk=mine["id"]).total == october["xiasha"]

    assert_error(leader.post("reports/monthly", {"month": "2026/10"}), 422, "bad_month")
    assert_error(world.api("inspector").get("reports"), 403, "forbidden")


def test_a_report_not_generated_yet_cannot_be_downloaded(world):
    leader = world.api("leader")
    answer = leader.post("reports/monthly", {"month": "2026-10"})  # no commit: stays queued
    assert_error(leader.get(f"reports/{answer.json()['id']}/pdf"), 409, "report_not_ready")


def test_on_the_first_every_leader_gets_one_message_with_a_report_of_what_they_oversee(
    world, october, django_capture_on_commit_callbacks
):
    # Leaders oversee their own department and below; the district's leader is also a supervisor
    # (whole district), the street's leader sees 下沙街道 only.
    Role.objects.filter(code="leader").update(data_scope=DataScope.DEPARTMENT_TREE)
    district = world.users["leader"]
    district.roles.add(Role.objects.get(code="supervisor"))
    User.objects.filter(pk=district.pk).update(mobile="13900000001")
    street = User.objects.create_user(
        username="xiasha-head",
        password="Zg-test-pass-2026",
        jurisdiction=world.jurisdiction,
        department=world.depts["330114002"],
        full_name="下沙街道领导",
        mobile="13900000002",
    )
    street.roles.set([Role.objects.get(code="leader")])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deliver_monthly(today=date(2026, 12, 2)) == 0  # not the 1st: nothing
        sent = services.deliver_monthly(today=date(2026, 11, 1))
        again = services.deliver_monthly(today=date(2026, 11, 1))  # the next hourly run
    assert (sent, again) == (2, 0)
    messages = list(OutboxMessage.objects.filter(purpose="monthly_report").order_by("pk"))
    assert [m.phone for m in messages] == ["13900000001", "13900000002"]
    reports = {r.owner_id: r for r in MonthlyReport.objects.filter(kind="scheduled", month=MONTH)}
    assert (reports[district.pk].total, reports[street.pk].total) == (october["whole"], october["xiasha"])
    assert f"/api/v1/reports/{reports[district.pk].pk}/pdf" in messages[0].text
    assert f"/api/v1/reports/{reports[street.pk].pk}/pdf" in messages[1].text
    assert f"共受理群众诉求 {october['xiasha']} 件" in _text(reports[street.pk].pdf.read())


def test_the_delivery_is_on_the_beat_schedule():
    from zhiguan.celery import app

    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["report-monthly-delivery"]
    assert entry["task"] == "report.monthly_delivery"
