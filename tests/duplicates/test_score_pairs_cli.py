"""`zhiguan duplicates score-pairs` from a CSV, with no server and no database (issue 12)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from zhiguan.intelligence.duplicates.management.commands.duplicates import UsageError, parse_time, read_pairs

COLUMNS = ["pair_id", "a_title", "a_text", "a_time", "b_title", "b_text", "b_time"]
ROWS = [
    {
        "pair_id": "d1",
        "a_title": "A3区青松小区楼下夜宵摊噪音扰民",
        "a_text": "A3区青松小区楼下十几家夜宵摊每天营业到凌晨三点，噪音和油烟严重影响休息。",
        "a_time": "2019/6/1 9:30:00",
        "b_title": "青松小区夜宵摊凌晨还在营业，吵得睡不着",
        "b_text": "A3区青松小区楼下的夜宵摊天天营业到凌晨，噪音太大，油烟也大，居民无法休息。",
        "b_time": "2019/6/3 22:05:11",
    },
    {
        "pair_id": "n1",
        "a_title": "A3区青松小区楼下夜宵摊噪音扰民",
        "a_text": "A3区青松小区楼下十几家夜宵摊每天营业到凌晨三点，噪音和油烟严重影响休息。",
        "a_time": "2019/6/1 9:30:00",
        "b_title": "A7县公积金贷款审批太慢",
        "b_text": "2018年9月交了首付，公积金贷款至今没有批下来，请问原因。",
        "b_time": "2019-06-20 10:00:00",
    },
]


def _write(path: Path, rows: list[dict[str, str]], fields: list[str] = COLUMNS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # No database anywhere: an unreachable PostgreSQL proves the command opens no connection.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        [sys.executable, "-m", "zhiguan.cli", "duplicates", "score-pairs", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_writes_exactly_pair_id_score_duplicate_in_input_order(tmp_path: Path) -> None:
    done = _cli("--input", str(_write(tmp_path / "in.csv", ROWS)), "--output", str(tmp_path / "out.csv"))
    assert done.returncode == 0, done.stderr
    with (tmp_path / "out.csv").open(encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        out = list(reader)
    assert header == ["pair_id", "score", "duplicate"]
    assert [r[0] for r in out] == ["d1", "n1"]
    assert all(r[2] in {"0", "1"} for r in out)
    assert all(0.0 <= float(r[1]) <= 1.0 for r in out)
    assert out[0][2] == "1" and out[1][2] == "0"
    assert float(out[0][1]) > float(out[1][1])


def test_extra_columns_and_column_order_do_not_matter(tmp_path: Path) -> None:
    fields = ["b_time", "note", *reversed(COLUMNS[:-1])]
    rows = [{**r, "note": "x"} for r in ROWS]
    done = _cli(
        "--input", str(_write(tmp_path / "in.csv", rows, fields)), "--output", str(tmp_path / "o.csv")
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "o.csv").read_text(encoding="utf-8").splitlines()[1].startswith("d1,")


BAD = [
    (b"pair_id,a_title,a_text\n1,x,y\n", "缺少列"),
    (",".join(COLUMNS).encode() + b"\n", "没有数据行"),
    (
        (",".join(COLUMNS) + "\n1,垃圾,垃圾,2019/1/1 1:00:00,垃圾,垃圾,2019/1/1 1:00:00\n").encode("gbk"),
        "UTF-8",
    ),
    ((",".join(COLUMNS) + "\n1,垃圾,x,2019/1/1 1:00:00,垃圾,y,昨天下午\n").encode(), "第 2 行的 b_time"),
    ((",".join(COLUMNS) + "\n1,垃圾,x,2019/13/45 1:00:00,垃圾,y,2019/1/1\n").encode(), "第 2 行的 a_time"),
    ((",".join(COLUMNS) + "\n1,,,2019/1/1 1:00:00,垃圾,y,2019/1/1\n").encode(), "第 2 行的 A"),
    ((",".join(COLUMNS) + "\n,垃圾,x,2019/1/1 1:00:00,垃圾,y,2019/1/1\n").encode(), "pair_id 为空"),
]


@pytest.mark.parametrize(("content", "message"), BAD)
def test_bad_input_is_refused_with_a_chinese_message(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    with pytest.raises(UsageError, match=message):
        read_pairs(str(bad))


@pytest.mark.parametrize(("content", "message"), [BAD[0], BAD[3]])
def test_bad_input_is_one_line_on_stderr_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    done = _cli("--input", str(bad), "--output", str(tmp_path / "o.csv"))
    assert done.returncode == 2
    assert message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.csv").exists()


def test_a_missing_input_file_is_refused_clearly(tmp_path: Path) -> None:
    done = _cli("--input", str(tmp_path / "none.csv"), "--output", str(tmp_path / "o.csv"))
    assert done.returncode == 2 and "找不到输入文件" in done.stderr


def test_times_are_read_as_shanghai_in_the_formats_of_the_petition_data() -> None:
    when = parse_time("2019/2/28 11:25:05")
    assert when is not None and when.utcoffset() is not None
    assert (when.year, when.month, when.day, when.hour, when.minute, when.second) == (2019, 2, 28, 11, 25, 5)
    assert when.utcoffset().total_seconds() == 8 * 3600  # type: ignore[union-attr]
    assert parse_time("2019-08-30 09:01:02") == parse_time("2019/8/30 9:01:02")
    assert parse_time("2019/05/14") is not None and parse_time("2019/5/14 7:05") is not None
    assert parse_time("2019/2/30 1:00:00") is None and parse_time("下午") is None
