"""`zhiguan import_history`: a previous system's closed cases from a CSV, all or nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.cases.conftest import INSIDE, World
from zhiguan.cases.models import Case

HEADER = "legacy_number,request_type,channel,category,description,registered_at,closed_at,lng,lat,lead_department,callback_result\n"


def _csv(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "old.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8-sig")
    return str(path)


def _run(path: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_history", jurisdiction="330114", source="旧系统", input=path, stdout=out, stderr=err
        )
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_file_of_closed_cases_comes_in_once(world: World, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        f"A1,complaint,hotline,城市管理 / 市容环境 / 占道经营,门口占道,2025-03-04 09:30,2025-03-06 16:00,{INSIDE[0]},{INSIDE[1]},CGJ,satisfied",
        "A2,help,web,占道经营,又占道了,2025/3/5 10:00:00,2025/3/5 18:00:00,,,城管局,",
    )
    code, out, _ = _run(path)
    assert code == 0 and "导入 2 件" in out
    a1 = Case.objects.get(external_ref="旧系统:A1")
    assert a1.status == "callback_done" and a1.street is not None
    assert Case.objects.get(external_ref="旧系统:A2").lead_department.code == "CGJ"
    code, out, _ = _run(path)
    assert code == 0 and "导入 0 件" in out and "跳过已导入的 2 件" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("A2,complaint,hotline,不存在的类别,x,2025-03-04 09:30,2025-03-06 16:00,,,,", "第 3 行的类别找不到"),
        ("A2,complaint,hotline,占道经营,x,昨天,2025-03-06 16:00,,,,", "第 3 行的 registered_at 无法识别"),
        ("A2,complaint,hotline,占道经营,x,2025-03-07 09:30,2025-03-06 16:00,,,,", "第 3 行（closed_at）"),
        ("A2,complaint,hotline,占道经营,x,2025-03-04 09:30,2025-03-06 16:00,121.5,31.2,,", "第 3 行（lng）"),
    ],
)
def test_a_bad_row_names_its_line_and_nothing_comes_in(
    world: World, tmp_path: Path, line: str, says: str
) -> None:
    good = "A1,complaint,hotline,占道经营,门口占道,2025-03-04 09:30,2025-03-06 16:00,,,,"
    code, _, err = _run(_csv(tmp_path, good, line))
    assert code == 2 and says in err, err
    assert "Traceback" not in err
    assert not Case.objects.filter(jurisdiction=world.jurisdiction).exists()


@pytest.mark.django_db
def test_a_file_without_the_columns_is_refused_in_chinese(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("number,text\n1,x\n", encoding="utf-8")
    code, _, err = _run(str(path))
    assert code == 2 and "输入文件缺少列" in err
