"""`zhiguan classify train|predict` from CSV files, with no database (issue 12)."""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiguan.intelligence.classification.model import ModelError, TextClassifier
from zhiguan.intelligence.text import normalise

TOPICS = {
    "环境保护": ["工厂排放废气刺鼻", "河道污水发黑发臭", "夜间施工噪音扰民", "垃圾焚烧烟雾很大"],
    "交通运输": ["公交线路班次太少", "路口红绿灯时间太短", "出租车拒载绕路", "地铁站出口拥堵"],
    "教育文体": ["学校乱收补课费", "幼儿园学位不足", "体育馆不对外开放", "教师体罚学生"],
}
PLACES = ["A1区", "A2区", "A3区", "西湖小区", "火炬路", "东二环"]


def _rows(n: int, seed: int) -> list[dict[str, str]]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        label = rnd.choice(sorted(TOPICS))
        issue = rnd.choice(TOPICS[label])
        place = rnd.choice(PLACES)
        rows.append(
            {
                "id": str(i),
                "title": f"{place}{issue}",
                "text": f"{place}附近{issue}，希望尽快处理。",
                "label": label,
            }
        )
    return rows


def _write(path: Path, rows: list[dict[str, str]], fields: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # No database anywhere: an unreachable PostgreSQL proves neither verb opens a connection.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    return subprocess.run(
        [sys.executable, "-m", "zhiguan.cli", "classify", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("classify")
    _write(root / "train.csv", _rows(90, 1), ["title", "text", "label"])
    done = _cli("train", "--input", str(root / "train.csv"), "--model", str(root / "model"), "--folds", "3")
    assert done.returncode == 0, done.stderr
    assert "macro-F1" in done.stdout
    return root


def test_train_prints_cross_validated_macro_f1_and_predict_writes_id_label_confidence(trained: Path) -> None:
    rows = _rows(30, 2)
    _write(trained / "in.csv", rows, ["id", "title", "text"])
    done = _cli(
        "predict",
        "--model",
        str(trained / "model"),
        "--input",
        str(trained / "in.csv"),
        "--output",
        str(trained / "out.csv"),
    )
    assert done.returncode == 0, done.stderr
    with (trained / "out.csv").open(encoding="utf-8") as f:
        out = list(csv.DictReader(f))
    assert [r["id"] for r in out] == [r["id"] for r in rows]
    assert set(out[0]) == {"id", "label", "confidence"}
    right = sum(o["label"] == r["label"] for o, r in zip(out, rows, strict=True))
    assert right >= 27  # the topics are separable: a model that learnt nothing gets about 10
    assert all(0 < float(o["confidence"]) <= 1 for o in out)


def test_text_alone_without_title_is_accepted(trained: Path) -> None:
    _write(trained / "notitle.csv", [{"id": "x1", "text": "河道污水发黑发臭，气味难闻"}], ["id", "text"])
    done = _cli(
        "predict",
        "--model",
        str(trained / "model"),
        "--input",
        str(trained / "notitle.csv"),
        "--output",
        str(trained / "o2.csv"),
    )
    assert done.returncode == 0, done.stderr
    assert "环境保护" in (trained / "o2.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("content", "columns", "message"),
    [
        (b"id,body\n1,x\n", None, "缺少列"),
        (b"id,text\n", None, "没有数据行"),
        ("id,text\n1,垃圾\n".encode("gbk"), None, "UTF-8"),
    ],
)
def test_bad_input_is_one_chinese_message_and_exit_2(
    trained: Path, content: bytes, columns: None, message: str
) -> None:
    bad = trained / "bad.csv"
    bad.write_bytes(content)
    done = _cli(
        "predict", "--model", str(trained / "model"), "--input", str(bad), "--output", str(trained / "o3.csv")
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_model_or_too_few_labels_is_refused_clearly(tmp_path: Path) -> None:
    _write(tmp_path / "in.csv", [{"id": "1", "text": "噪音"}], ["id", "text"])
    done = _cli(
        "predict",
        "--model",
        str(tmp_path / "nothing"),
        "--input",
        str(tmp_path / "in.csv"),
        "--output",
        str(tmp_path / "o.csv"),
    )
    assert done.returncode == 2 and "没有模型" in done.stderr
    with pytest.raises(ModelError):
        TextClassifier.train(texts=["噪音"] * 10, labels=["环境保护"] * 10)


def test_a_raw_message_and_its_pre_tokenised_copy_get_the_same_answer(trained: Path) -> None:
    clf = TextClassifier.load(trained / "model")
    raw = clf.predict_one("工厂排放废气刺鼻，希望尽快处理", title="A1区工厂排放废气")
    tokenised = clf.predict_one("工厂 排放 废气 刺鼻 ， 希望 尽快 处理", title="A1区 工厂 排放 废气")
    assert raw.label == tokenised.label == "环境保护"
    assert abs(raw.confidence - tokenised.confidence) < 0.02


cjk = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=12)


@given(st.text(max_size=80))
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


@given(st.lists(cjk, min_size=1, max_size=8))
def test_spaces_a_tokeniser_put_between_chinese_words_are_removed(words: list[str]) -> None:
    assert normalise(" ".join(words)) == normalise("".join(words)) == "".join(words)


def test_full_width_folds_to_half_width() -> None:
    assert normalise("ＡＢＣ１２３\u3000投诉") == "abc123 投诉"


REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "tipdm2020_c" / "train.csv"


@pytest.mark.skipif(
    not REAL.exists(), reason="../shared/data/tipdm2020_c/train.csv is absent: the real-data check is skipped"
)
def test_on_real_petition_messages_a_small_model_is_far_better_than_chance() -> None:
    # A fast check (1,400 messages); the full figure is bench_classification_model.
    with REAL.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    random.Random(7).shuffle(rows)
    train, test = rows[:1000], rows[1000:1400]
    clf = TextClassifier.train(
        texts=[r["text"] for r in train],
        titles=[r["title"] for r in train],
        labels=[r["label"] for r in train],
        folds=2,
    )
    predicted = clf.predict([r["text"] for r in test], [r["title"] for r in test], top=1)
    accuracy = sum(p.label == r["label"] for p, r in zip(predicted, test, strict=True)) / len(test)
    assert accuracy >= 0.8  # seven classes: chance is about 0.2
