"""The text classifier on the real petition messages (issue 12, docs/decisions/081).

    .venv/bin/python -m bench classification

Trains on `../shared/data/tipdm2020_c/train.csv` (or $ZHIGUAN_DEMO_DATA/tipdm2020_c/train.csv)
as `zhiguan classify train` does, then prints
  BENCH classify_macro_f1_cv        5-fold cross-validated macro-F1 (the CLI's figure)
  BENCH classify_baseline_f1_cv     the same folds for char 1-3 TF-IDF + LinearSVC (holdout 0.896)
  BENCH classify_load_s             loading the saved model (jieba's dictionary included)
  BENCH classify_batch_per_s        messages per second predicted in batches of 2,000
  BENCH classify_one_p95_ms         p95 of one message at a time (200 messages)
  BENCH classify_holdout_f1         the saved model trained on a stratified 80 %, macro-F1 on the 20 %
  BENCH classify_holdout_accuracy / _mean_confidence   its accuracy and mean confidence there
No database is used.
"""

from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _data() -> Path | None:
    for root in (
        os.environ.get("ZHIGUAN_DEMO_DATA"),
        Path(__file__).resolve().parents[2] / "shared" / "data",
    ):
        if root and (Path(root) / "tipdm2020_c" / "train.csv").exists():
            return Path(root) / "tipdm2020_c" / "train.csv"
    return None


def main() -> None:
    path = _data()
    if path is None:
        print("# classification: ../shared/data/tipdm2020_c/train.csv is absent; skipped")
        return
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from zhiguan.intelligence.classification.model import TextClassifier

    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["text"] for r in rows]
    titles = [r["title"] for r in rows]
    labels = np.array([r["label"] for r in rows])
    baseline = make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), LinearSVC()
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    joined = [f"{a} {b}" for a, b in zip(titles, texts, strict=True)]
    base = f1_score(labels, cross_val_predict(baseline, joined, labels, cv=folds), average="macro")
    print(f"BENCH classify_baseline_f1_cv {base:.4f} ratio", flush=True)
    clf = TextClassifier.train(texts=texts, titles=titles, labels=list(labels))
    print(f"BENCH classify_macro_f1_cv {clf.meta['cv_macro_f1']:.4f} ratio", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        clf.save(tmp)
        # A fresh process, as `zhiguan classify predict` starts: imports count.
        code = (
            "import time; t=time.perf_counter();"
            "from zhiguan.intelligence.classification.model import TextClassifier;"
            f"c=TextClassifier.load({tmp!r}); c.predict_one('路灯不亮');"
            "print(time.perf_counter()-t)"
        )
        load = float(
            subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        )
        print(f"BENCH classify_load_s {load:.2f} s", flush=True)
        model = TextClassifier.load(tmp)
    model.predict_one("预热")
    sample = rows[:4000]
    started = time.perf_counter()
    for i in range(0, len(sample), 2000):
        part = sample[i : i + 2000]
        model.predict([r["text"] for r in part], [r["title"] for r in part], top=1)
    print(f"BENCH classify_batch_per_s {len(sample) / (time.perf_counter() - started):.0f} msg/s", flush=True)
    times = []
    for r in rows[:200]:
        t = time.perf_counter()
        model.predict_one(r["text"], r["title"])
        times.append((time.perf_counter() - t) * 1000)
    p95 = statistics.quantiles(times, n=20)[-1]
    print(f"BENCH classify_one_p95_ms {p95:.1f} ms", flush=True)
    # The saved model itself (not the CV's): trained on a stratified 80 %, scored on the other 20 %.
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(np.arange(len(rows)), test_size=0.2, stratify=labels, random_state=1)
    part = TextClassifier.train(
        texts=[texts[i] for i in train], titles=[titles[i] for i in train], labels=list(labels[train])
    )
    found = part.predict([texts[i] for i in test], [titles[i] for i in test], top=1)
    predicted = [p.label for p in found]
    held = f1_score(labels[test], predicted, average="macro")
    print(f"BENCH classify_holdout_f1 {held:.4f} ratio", flush=True)
    confidence = float(np.mean([p.confidence for p in found]))
    accuracy = float(np.mean(np.array(predicted) == labels[test]))
    print(f"BENCH classify_holdout_accuracy {accuracy:.3f} ratio", flush=True)
    print(f"BENCH classify_holdout_mean_confidence {confidence:.3f} ratio", flush=True)
