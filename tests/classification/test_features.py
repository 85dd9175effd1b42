"""The fast character n-gram TF-IDF gives scikit-learn's TfidfVectorizer's figures exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from zhiguan.intelligence.classification.training import CharNgramTfidf
from zhiguan.intelligence.features import ngram_codes

TEXTS = [
    "a市a3区联丰路米兰春天小区噪音扰民",
    "投诉a1区苑物业违规收停车费",
    "咨询道路命名规划和门牌问题",
    "小区停车费 物业 违规",
    "噪音",
]


def _sklearn(min_df: int) -> TfidfVectorizer:
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=min_df)


@pytest.mark.parametrize("min_df", [1, 2])
def test_same_figures_as_tfidfvectorizer(min_df):
    ours = CharNgramTfidf(min_df=min_df).fit(TEXTS)
    theirs = _sklearn(min_df).fit(TEXTS)
    assert sorted(ours.get_feature_names_out()) == sorted(theirs.get_feature_names_out())
    probe = [*TEXTS, "没见过的字", ""]
    a = ours.transform(probe).toarray()
    b = theirs.transform(probe).toarray()
    # The columns are in a different order: compare each row's sorted values.
    assert np.allclose(np.sort(a, axis=1), np.sort(b, axis=1))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="城管噪音小区ab 1", min_size=0, max_size=12), min_size=1, max_size=6))
def test_ngrams_never_cross_texts(texts):
    rows, codes = ngram_codes(texts)
    expected = sum(sum(max(0, len(t) - n + 1) for n in (1, 2, 3)) for t in texts)
    assert rows.size == codes.size == expected
    # Every text's n-grams are its own: counted per row.
    for i, t in enumerate(texts):
        assert int((rows == i).sum()) == sum(max(0, len(t) - n + 1) for n in (1, 2, 3))


def test_max_chars_cuts_long_texts():
    vec = CharNgramTfidf(max_chars=5).fit(["甲乙丙丁戊己庚辛"])
    assert "己" not in set(vec.get_feature_names_out())


@pytest.mark.parametrize("n_classes", [2, 3])
def test_saved_arrays_predict_what_scikit_learn_predicts(tmp_path, n_classes):
    """The saved arrays give the probabilities of scikit-learn's SVM fitted on every row, through
    the sigmoids kept with it (normalised over the classes when there are more than two)."""
    from zhiguan.intelligence.classification import model as m

    kinds = ["路灯不亮 晚上 漆黑", "垃圾 堆放 恶臭 清运", "噪音 扰民 施工 夜间"][:n_classes]
    texts = [f"{kinds[i % n_classes]} 第{i}号 {'东西南北'[i % 4]}" for i in range(30)]
    labels = [f"c{i % n_classes}" for i in range(30)]
    clf = m.TextClassifier.train(texts=texts, labels=labels, folds=3)
    clf.save(tmp_path)
    loaded = m.TextClassifier.load(tmp_path)
    X = m._matrix(m._columns([""] * len(texts), texts))
    pipe = m._pipeline(len(texts), n_classes).fit(X, np.array(labels))
    decision = pipe.decision_function(X).reshape(len(texts), -1)
    p = 1.0 / (1.0 + np.exp(clf.arrays["A"][0] * decision + clf.arrays["B"][0]))
    expected = np.hstack([1 - p, p]) if n_classes == 2 else p / p.sum(axis=1, keepdims=True)
    assert np.allclose(loaded.probabilities(texts), expected, atol=1e-5)
    assert loaded.arrays["W"].shape[0] == 1  # one SVM, not one per calibration fold
    assert loaded.predict_one(kinds[0]).label == "c0"


def test_the_sigmoid_is_platts_as_scikit_learn_fits_it():
    from sklearn.calibration import _sigmoid_calibration

    from zhiguan.intelligence.classification.model import _platt

    rng = np.random.default_rng(0)
    decision = rng.normal(size=500)
    positive = decision + rng.normal(size=500) > 0.3
    assert np.allclose(_platt(decision, positive), _sigmoid_calibration(decision, positive), atol=1e-3)


def test_many_classes_keep_the_most_frequent_ngrams_within_the_weight_budget():
    from zhiguan.intelligence.classification import model as m
    from zhiguan.intelligence.classification.training import CharNgramTfidf

    texts = ["甲乙", "甲丙", "甲丁", "乙戊"]
    vec = CharNgramTfidf(ngram_max=1, max_features=2).fit(texts)
    assert set(vec.get_feature_names_out()) == {"甲", "乙"}  # df 3 and 2; 丙丁戊 once each
    blocks = m._pipeline(10_000, 400).named_steps["features"].transformers
    assert all(t.max_features == m.WEIGHT_BUDGET // 400 for _name, t, _col in blocks)
    assert m._pipeline(10_000, 7).named_steps["features"].transformers[0][1].max_features > 3_000_000
