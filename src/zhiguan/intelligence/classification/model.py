"""The text classifier: train, save, load and predict, with no Django and no database.

Features (docs/decisions/081-classification.md): TF-IDF of character 1–3-grams of title + text,
of the title alone (the densest part of a message), and of jieba words and word pairs; one linear
SVM per class with balanced class weights, calibrated to probabilities (sigmoid, 3 folds) so the
confidence can be compared with the administrator's threshold. Every text goes through
`intelligence.text.normalise` first, so raw and pre-tokenised messages look alike.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jieba
import joblib
import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from zhiguan.intelligence.text import normalise

FORMAT = 1
MODEL_FILE = "model.joblib"
META_FILE = "model.json"
MIN_PER_CLASS = 5  # fewer examples than this cannot be cross-validated or learnt

jieba.setLogLevel(logging.WARNING)


class ModelError(ValueError):
    """A model or training set that cannot be used; the message is for the user (Chinese)."""


def _words(text: str) -> str:
    return " ".join(w for w in jieba.lcut(text) if w.strip())


def _columns(titles: list[str], texts: list[str]) -> dict[str, list[str]]:
    title = [normalise(t) for t in titles]
    body = [normalise(t) for t in texts]
    both = [f"{a} {b}".strip() for a, b in zip(title, body, strict=True)]
    return {"both": both, "title": title, "words": [_words(s) for s in both]}


def _pipeline() -> Pipeline:
    def char(min_df: int) -> TfidfVectorizer:
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=min_df)

    words = TfidfVectorizer(token_pattern=r"(?u)\S+", ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    features = ColumnTransformer([("c", char(2), 0), ("t", char(1), 1), ("w", words, 2)])
    return Pipeline([("features", features), ("svm", LinearSVC(class_weight="balanced", C=0.5))])


def _matrix(columns: dict[str, list[str]]) -> np.ndarray:
    return np.array([columns["both"], columns["title"], columns["words"]], dtype=object).T


def _min_df_safe(n: int, pipe: Pipeline) -> None:
    # A tiny training set (a new district) cannot afford min_df=2.
    if n < 200:
        for _name, vec, _col in pipe.named_steps["features"].transformers:
            vec.set_params(min_df=1)


@dataclass
class Prediction:
    label: str
    confidence: float
    alternatives: list[tuple[str, float]]  # best first, the label itself included


class TextClassifier:
    def __init__(self, estimator: Any, meta: dict[str, Any]):
        self.estimator = estimator
        self.meta = meta
        self.classes: list[str] = [str(c) for c in estimator.classes_]

    # ------------------------------------------------------------------ training
    @classmethod
    def train(
        cls,
        *,
        texts: list[str],
        labels: list[str],
        titles: list[str] | None = None,
        folds: int = 5,
        seed: int = 0,
    ) -> TextClassifier:
        if len(texts) != len(labels) or (titles is not None and len(titles) != len(texts)):
            raise ModelError("text、title 与 label 的行数不一致")
        titles = titles or [""] * len(texts)
        counts: dict[str, int] = {}
        for label in labels:
            counts[label] = counts.get(label, 0) + 1
        if len(counts) < 2:
            raise ModelError("至少需要两个不同的类别")
        small = sorted(k for k, v in counts.items() if v < MIN_PER_CLASS)
        if small:
            raise ModelError(f"以下类别的样本少于 {MIN_PER_CLASS} 条：{'、'.join(small)}")
        started = time.monotonic()
        X = _matrix(_columns(titles, texts))
        y = np.array(labels)
        folds = max(2, min(folds, min(counts.values())))
        pipe = _pipeline()
        _min_df_safe(len(texts), pipe)
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        predicted = cross_val_predict(pipe, X, y, cv=cv)
        classes = sorted(counts)
        per_class = f1_score(y, predicted, average=None, labels=classes)
        final = _pipeline()
        _min_df_safe(len(texts), final)
        features = final.named_steps["features"]
        calibrated = CalibratedClassifierCV(
            LinearSVC(class_weight="balanced", C=0.5), method="sigmoid", cv=min(3, min(counts.values()))
        )
        Xf = features.fit_transform(X)
        calibrated.fit(Xf, y)
        estimator = Pipeline([("features", features), ("model", calibrated)])
        meta = {
            "format": FORMAT,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": len(texts),
            "rows_per_label": dict(sorted(counts.items())),
            "cv_folds": folds,
            "cv_macro_f1": round(float(f1_score(y, predicted, average="macro")), 4),
            "cv_accuracy": round(float((predicted == y).mean()), 4),
            "cv_f1_per_label": {c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)},
            "train_seconds": round(time.monotonic() - started, 1),
            "features": "char 1-3 (title+text), char 1-3 (title), jieba words 1-2; TF-IDF sublinear",
            "estimator": "LinearSVC(C=0.5, balanced) calibrated (sigmoid)",
            "libraries": {"scikit-learn": sklearn.__version__, "jieba": jieba.__version__},
        }
        return cls(estimator, meta)

    # ------------------------------------------------------------------ files
    def save(self, directory: str | Path) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        joblib.dump(self.estimator, path / MODEL_FILE, compress=3)
        (path / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> TextClassifier:
        path = Path(directory)
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"目录 {path} 中没有模型") from exc
        if meta.get("format") != FORMAT:
            raise ModelError(f"未知的模型格式 {meta.get('format')!r}")
        try:
            estimator = joblib.load(path / MODEL_FILE)
        except Exception as exc:  # a damaged or foreign file: one clear error, never a traceback
            raise ModelError(f"目录 {path} 中的模型文件无法读取") from exc
        return cls(estimator, meta)

    # ------------------------------------------------------------------ prediction
    def predict(self, texts: list[str], titles: list[str] | None = None, top: int = 3) -> list[Prediction]:
        if not texts:
            return []
        titles = titles or [""] * len(texts)
        proba = self.estimator.predict_proba(_matrix(_columns(titles, texts)))
        out = []
        for row in proba:
            order = np.argsort(row)[::-1][:top]
            alternatives = [(self.classes[i], round(float(row[i]), 4)) for i in order]
            out.append(Prediction(alternatives[0][0], alternatives[0][1], alternatives))
        return out

    def predict_one(self, text: str, title: str = "", top: int = 3) -> Prediction:
        return self.predict([text], [title], top=top)[0]
