"""The text classifier: train, save, load and predict, with no Django and no database.

Features (docs/decisions/081-classification.md): TF-IDF of character 1–3-grams of title + text
and of the title alone (the densest part of a message), computed by `intelligence.features` (the
same figures as scikit-learn's TfidfVectorizer, several times faster); one linear SVM per class
with balanced class weights, fitted on every row, and a sigmoid per class fitted on the
cross-validated decision values (Platt) so the confidence can be compared with the
administrator's threshold. Every text goes through
`intelligence.text.normalise` first, so raw and pre-tokenised messages look alike.

Training uses scikit-learn. The saved model is plain arrays (`model.npz`: vocabularies, idf, the
SVM's weights and the sigmoids) plus `model.json`; loading and predicting need numpy and
scipy only, which keeps loading well under a second and one prediction to a few milliseconds.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from zhiguan.intelligence import features
from zhiguan.intelligence.text import normalise

FORMAT = 2  # 1 was a joblib pickle with jieba words: refused, retrain
MODEL_FILE = "model.npz"
META_FILE = "model.json"
MIN_PER_CLASS = 5  # fewer examples than this cannot be cross-validated or learnt
C = 0.5
# Characters of a message read: a petition states its matter early, and a few 10,000-character
# letters would otherwise cost as much as a hundred ordinary messages (CV unchanged at 2,000).
MAX_CHARS = 2000
BLOCKS = (("both", 2, MAX_CHARS), ("title", 1, None))  # (column, min_df, max_chars)
# The saved weights are dense, features × classes: a district's 372 categories over the 480,000
# n-grams of its 14,000 cases would be 720 MB. Above this many weights the most frequent n-grams
# are kept (seven petition classes stay far below it: every n-gram is kept there).
WEIGHT_BUDGET = 24_000_000
MIN_FEATURES = 50_000


class ModelError(ValueError):
    """A model or training set that cannot be used; the message is for the user (Chinese)."""


def _columns(titles: list[str], texts: list[str]) -> dict[str, list[str]]:
    title = [normalise(t) for t in titles]
    # Cut before normalising (a little slack for the whitespace it folds): the model reads no more.
    body = [normalise(t[: MAX_CHARS + 200] if t else t) for t in texts]
    return {"both": [f"{a} {b}".strip() for a, b in zip(title, body, strict=True)], "title": title}


def _pipeline(n: int, n_classes: int = 2) -> Any:
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    from zhiguan.intelligence.classification.training import CharNgramTfidf

    columns = n_classes if n_classes > 2 else 1  # a binary SVM has one weight column
    cap = max(MIN_FEATURES, WEIGHT_BUDGET // columns)
    # A tiny training set (a new district) cannot afford min_df=2.
    blocks = [
        (name, CharNgramTfidf(min_df=min_df if n >= 200 else 1, max_chars=cut, max_features=cap), i)
        for i, (name, min_df, cut) in enumerate(BLOCKS)
    ]
    return Pipeline(
        [("features", ColumnTransformer(blocks)), ("svm", LinearSVC(class_weight="balanced", C=C))]
    )


def _matrix(columns: dict[str, list[str]]) -> np.ndarray:
    return np.array([columns[name] for name, _, _ in BLOCKS], dtype=object).T


@dataclass
class Prediction:
    label: str
    confidence: float
    alternatives: list[tuple[str, float]]  # best first, the label itself included


class TextClassifier:
    """A trained model as arrays: `arrays` holds v_<block>, idf_<block>, W (k × F × C'), b, A, B."""

    def __init__(self, classes: list[str], arrays: dict[str, np.ndarray], meta: dict[str, Any]):
        self.classes = classes
        self.arrays = arrays
        self.meta = meta
        self._lookups = {name: features.Lookup(arrays[f"v_{name}"]) for name, _, _ in BLOCKS}

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
        cv_rows: int | None = None,
    ) -> TextClassifier:
        """Train on every row; the cross-validated figures come from `folds` folds over all rows, or
        over a stratified sample of `cv_rows` of them (the platform's periodic training: the figure
        estimates the quality, the model itself still learns from everything)."""
        import sklearn
        from sklearn.metrics import f1_score
        from sklearn.model_selection import StratifiedKFold, cross_val_predict

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
        cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
        sample = _cv_sample(y, cv_rows, folds, seed)
        Xs, ys = (X, y) if sample is None else (X[sample], y[sample])
        classes = sorted(counts)
        # The cross-validated decision values give both the figures and the sigmoids (Platt): the
        # model itself is one SVM fitted on every row, as CalibratedClassifierCV(ensemble=False)
        # does, rather than three calibrated SVMs on two thirds each (a third of the time and size).
        pipe = _pipeline(len(ys), len(classes))
        scores = cross_val_predict(pipe, Xs, ys, cv=cv, method="decision_function")
        if len(classes) == 2:
            predicted = np.where(scores > 0, classes[1], classes[0])
        else:
            predicted = np.array(classes)[np.argmax(scores, axis=1)]
        per_class = f1_score(ys, predicted, average=None, labels=classes)
        arrays = _fit_final(X, y, classes, scores, ys)
        meta = {
            "format": FORMAT,
            "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "classes": classes,
            "rows": len(texts),
            "rows_per_label": dict(sorted(counts.items())),
            "cv_folds": folds,
            "cv_rows": len(ys),
            "cv_macro_f1": round(float(f1_score(ys, predicted, average="macro")), 4),
            "cv_accuracy": round(float((predicted == ys).mean()), 4),
            "cv_f1_per_label": {c: round(float(f), 4) for c, f in zip(classes, per_class, strict=True)},
            "train_seconds": round(time.monotonic() - started, 1),
            "features": f"char 1-3 (title+text, first {MAX_CHARS}), char 1-3 (title); TF-IDF sublinear",
            "estimator": f"LinearSVC(C={C}, balanced), sigmoids fitted on the cross-validated decisions",
            "features_kept": int(arrays["W"].shape[1]),
            "libraries": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        }
        return cls(classes, arrays, meta)

    # ------------------------------------------------------------------ files
    def save(self, directory: str | Path) -> None:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        # Uncompressed: the arrays load faster from disk than they would decompress.
        np.savez(path / MODEL_FILE, **self.arrays)  # type: ignore[arg-type]
        (path / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> TextClassifier:
        path = Path(directory)
        try:
            meta = json.loads((path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"目录 {path} 中没有模型") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            found = meta.get("format") if isinstance(meta, dict) else None
            raise ModelError(f"未知的模型格式 {found!r}，请用当前版本重新训练")
        try:
            with np.load(path / MODEL_FILE, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
            classes = [str(c) for c in meta["classes"]]
            if arrays["W"].shape[2] != (1 if len(classes) == 2 else len(classes)):
                raise ValueError("classes do not match the weights")
        except Exception as exc:  # a damaged or foreign file: one clear error, never a traceback
            raise ModelError(f"目录 {path} 中的模型文件无法读取") from exc
        return cls(classes, arrays, meta)

    # ------------------------------------------------------------------ prediction
    def probabilities(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in `classes` order."""
        titles = titles or [""] * len(texts)
        columns = _columns(titles, texts)
        a = self.arrays
        X = sp.hstack(
            [
                features.tfidf(columns[name], self._lookups[name], a[f"idf_{name}"], max_chars=cut)
                for name, _, cut in BLOCKS
            ],
            format="csr",
        ).astype(np.float32)  # the weights' type: a float64 product would copy them on every call
        proba = np.zeros((len(texts), len(self.classes)))
        for k in range(a["W"].shape[0]):
            decision = X @ a["W"][k] + a["b"][k]
            p = 1.0 / (1.0 + np.exp(a["A"][k] * decision + a["B"][k]))
            if len(self.classes) == 2:
                p = np.hstack([1.0 - p, p])
            else:
                total = p.sum(axis=1, keepdims=True)
                p = np.divide(p, total, out=np.full_like(p, 1 / len(self.classes)), where=total != 0)
            proba += p
        return proba / a["W"].shape[0]

    def predict(self, texts: list[str], titles: list[str] | None = None, top: int = 3) -> list[Prediction]:
        if not texts:
            return []
        proba = self.probabilities(texts, titles)
        order = np.argsort(-proba, axis=1, kind="stable")[:, :top]
        out = []
        for row, best in zip(proba, order, strict=True):
            alternatives = [(self.classes[i], round(float(row[i]), 4)) for i in best]
            out.append(Prediction(alternatives[0][0], alternatives[0][1], alternatives))
        return out

    def predict_one(self, text: str, title: str = "", top: int = 3) -> Prediction:
        return self.predict([text], [title], top=top)[0]


def _cv_sample(y: np.ndarray, cv_rows: int | None, folds: int, seed: int) -> np.ndarray | None:
    """Row indices of a stratified sample of about `cv_rows` rows (every class keeps `folds` rows at least)."""
    if cv_rows is None or len(y) <= cv_rows:
        return None
    rng = np.random.default_rng(seed)
    share = cv_rows / len(y)
    picked = []
    for label in np.unique(y):
        rows = np.flatnonzero(y == label)
        k = min(len(rows), max(folds, round(len(rows) * share)))
        picked.append(rng.choice(rows, size=k, replace=False))
    return np.sort(np.concatenate(picked))


def _platt(decision: np.ndarray, positive: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid p = 1 / (1 + exp(A·d + B)) on held-out decision values: a logistic
    regression on d against his smoothed targets (N₊ + 1) / (N₊ + 2) and 1 / (N₋ + 2), each row
    entered twice, as a positive and as a negative, weighted by its target."""
    from sklearn.linear_model import LogisticRegression

    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    target = np.where(positive, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    x = np.concatenate([decision, decision]).reshape(-1, 1)
    y = np.concatenate([np.ones(len(decision)), np.zeros(len(decision))])
    fit = LogisticRegression(C=1e6).fit(x, y, sample_weight=np.concatenate([target, 1 - target]))
    return -float(fit.coef_[0, 0]), -float(fit.intercept_[0])


def _fit_final(
    X: np.ndarray, y: np.ndarray, classes: list[str], scores: np.ndarray, ys: np.ndarray
) -> dict[str, np.ndarray]:
    """The features and one SVM fitted on every row, with a sigmoid per class fitted on the
    cross-validated decision values `scores` of the rows `ys`, as arrays (see `probabilities`)."""
    pipe = _pipeline(len(y), len(classes))
    pipe.fit(X, y)
    features_, svm = pipe.named_steps["features"], pipe.named_steps["svm"]
    if [str(c) for c in svm.classes_] != classes:
        raise ModelError("训练中缺少某个类别，无法保存模型")
    arrays: dict[str, np.ndarray] = {}
    for name, vec, _col in features_.transformers_:
        arrays[f"v_{name}"] = vec.vocabulary_
        arrays[f"idf_{name}"] = vec.idf_
    if len(classes) == 2:
        sigmoids = [_platt(scores, ys == classes[1])]
    else:
        sigmoids = [_platt(scores[:, k], ys == c) for k, c in enumerate(classes)]
    arrays.update(
        W=svm.coef_.T.astype(np.float32)[None],
        b=svm.intercept_[None],
        A=np.array([[a for a, _ in sigmoids]]),
        B=np.array([[b for _, b in sigmoids]]),
    )
    return arrays
