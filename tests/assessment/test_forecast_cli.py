"""`zhiguan forecast predict` from a CSV of counts, with no database (issue 13, forecasts)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

FIRST = date(2022, 1, 3)  # a Monday


def _history(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["date", "series", "count"])
        w.writerows(rows)
    return path


def _daily(days: int, seed: int, name: str, level: float = 40.0) -> list[tuple[str, str, str]]:
    rng = np.random.default_rng(seed)
    shape = np.array([1.2, 1.1, 1.0, 1.0, 0.9, 0.3, 0.2])
    out = []
    for i in range(days):
        d = FIRST + timedelta(days=i)
        out.append((d.isoformat(), name, str(int(rng.poisson(level * shape[d.weekday()])))))
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _predict(tmp_path: Path, history: Path, freq: str, horizon: int) -> list[dict[str, str]]:
    out = tmp_path / "out.csv"
    call_command(
        "forecast",
        "predict",
        "--input",
        str(history),
        "--freq",
        freq,
        "--horizon",
        str(horizon),
        "--output",
        str(out),
        "--workers",
        "1",
    )
    return _read(out)


def test_daily_columns_horizon_interval_and_each_series_own_last_date(tmp_path: Path) -> None:
    rows = _daily(200, 1, "甲街道/环境") + _daily(150, 2, "乙街道/交通", level=5.0)
    history = _history(tmp_path / "h.csv", rows[::-1])  # any row order
    out = _predict(tmp_path, history, "D", 10)
    assert list(out[0]) == ["date", "series", "forecast", "lower", "upper"]
    by_series: dict[str, list[dict[str, str]]] = {}
    for r in out:
        by_series.setdefault(r["series"], []).append(r)
    assert set(by_series) == {"甲街道/环境", "乙街道/交通"}
    for name, last in (
        ("甲街道/环境", FIRST + timedelta(days=199)),
        ("乙街道/交通", FIRST + timedelta(days=149)),
    ):
        got = by_series[name]
        assert [r["date"] for r in got] == [(last + timedelta(days=i)).isoformat() for i in range(1, 11)]
        for r in got:
            low, mid, high = float(r["lower"]), float(r["forecast"]), float(r["upper"])
            assert 0.0 <= low <= mid <= high
            assert high > low
    # the weekday cycle survives: a forecast Monday is well above a forecast Sunday
    fc = {date.fromisoformat(r["date"]).weekday(): float(r["forecast"]) for r in by_series["甲街道/环境"][:7]}
    assert fc[0] > 3 * fc[6]


def test_weekly_keeps_the_input_weekday_and_monthly_keeps_month_ends(tmp_path: Path) -> None:
    sundays = [FIRST + timedelta(days=6 + 7 * i) for i in range(80)]
    rows = [(d.isoformat(), "全区", str(100 + (i % 5))) for i, d in enumerate(sundays)]
    out = _predict(tmp_path, _history(tmp_path / "w.csv", rows), "W", 4)
    assert [r["date"] for r in out] == [
        (sundays[-1] + timedelta(days=7 * i)).isoformat() for i in range(1, 5)
    ]
    ends = [date(2019 + (m // 12), m % 12 + 1, 1) - timedelta(days=1) for m in range(1, 49)]
    rows = [(d.isoformat(), "全区", str(300 + 30 * (d.month in (7, 8)))) for d in ends]
    out = _predict(tmp_path, _history(tmp_path / "m.csv", rows), "M", 3)
    assert [r["date"] for r in out] == ["2023-01-31", "2023-02-28", "2023-03-31"]
    assert all(float(r["forecast"]) > 0 for r in out)


def test_forecasts_never_negative_on_a_falling_sparse_series(tmp_path: Path) -> None:
    rows = [
        ((FIRST + timedelta(days=i)).isoformat(), "x", str(max(0, 30 - i // 4) if i % 3 else 0))
        for i in range(150)
    ]
    out = _predict(tmp_path, _history(tmp_path / "f.csv", rows), "D", 30)
    assert len(out) == 30
    assert all(float(r["lower"]) >= 0 and float(r["forecast"]) >= 0 for r in out)


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("date,series,count\n2024-01-01,a,3\n", ["--freq", "Q", "--horizon", "3"], "--freq"),
        ("date,series,count\n2024-01-01,a,3\n", ["--freq", "D", "--horizon", "0"], "--horizon"),
        ("date,series,count\n2024-01-01,a,3\n", ["--freq", "D", "--horizon", "三"], "--horizon"),
        (
            "date,series,count\n2024-01-01,a,3\n2024-13-45,a,4\n",
            ["--freq", "D", "--horizon", "3"],
            "第 3 行的日期",
        ),
        ("date,series,count\n2024-01-01,a,many\n", ["--freq", "D", "--horizon", "3"], "不是数字"),
        ("date,series,count\n2024-01-01,a,-2\n", ["--freq", "D", "--horizon", "3"], "负数"),
        ("date,series,count\n", ["--freq", "D", "--horizon", "3"], "没有数据行"),
        ("", ["--freq", "D", "--horizon", "3"], "缺少列"),
        ("day,value\n2024-01-01,3\n", ["--freq", "D", "--horizon", "3"], "缺少列"),
        ("date,series,count\n2024-01-01,a,3\n", ["--freq", "D"], "缺少参数 --horizon"),
    ],
)
def test_bad_input_exits_2_with_one_chinese_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, args: list[str], message: str
) -> None:
    history = tmp_path / "bad.csv"
    history.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command(
            "forecast", "predict", "--input", str(history), "--output", str(tmp_path / "o.csv"), *args
        )
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)


def test_missing_file_and_non_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        call_command(
            "forecast",
            "predict",
            "--input",
            str(tmp_path / "nope.csv"),
            "--freq",
            "D",
            "--horizon",
            "2",
            "--output",
            str(tmp_path / "o.csv"),
        )
    assert "找不到输入文件" in capsys.readouterr().err
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("date,series,count\n2024-01-01,环境,3\n".encode("gbk"))
    with pytest.raises(SystemExit):
        call_command(
            "forecast",
            "predict",
            "--input",
            str(gbk),
            "--freq",
            "D",
            "--horizon",
            "2",
            "--output",
            str(tmp_path / "o.csv"),
        )
    assert "UTF-8" in capsys.readouterr().err


def test_cli_runs_without_any_database(tmp_path: Path) -> None:
    history = _history(tmp_path / "h.csv", _daily(90, 3, "a"))
    out = tmp_path / "o.csv"
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    base = [
        sys.executable,
        "-m",
        "zhiguan.cli",
        "forecast",
        "predict",
        "--input",
        str(history),
        "--output",
        str(out),
    ]
    ok = subprocess.run(
        [*base, "--freq", "D", "--horizon", "7"], capture_output=True, text=True, env=env, timeout=300
    )
    assert ok.returncode == 0, ok.stderr
    assert len(_read(out)) == 7
    bad = subprocess.run(
        [*base, "--freq", "H", "--horizon", "7"], capture_output=True, text=True, env=env, timeout=300
    )
    assert bad.returncode == 2
    assert "--freq 只能是" in bad.stderr and "Traceback" not in bad.stderr
