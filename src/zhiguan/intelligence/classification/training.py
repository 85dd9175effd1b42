"""scikit-learn side of the classifier: the TF-IDF transformer used while training and cross-validating.

Imported only to train: prediction reads the saved arrays with numpy and scipy (model.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin

from zhiguan.intelligence import features


class CharNgramTfidf(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """TF-IDF of character 1..ngram_max-grams: sublinear tf, smooth idf, l2 rows, min_df."""

    def __init__(
        self,
        ngram_max: int = features.MAX_N,
        min_df: int = 1,
        max_chars: int | None = None,
        max_features: int | None = None,
    ):
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.max_chars = max_chars
        self.max_features = max_features

    def fit(self, X: Iterable[str], y: Any = None) -> CharNgramTfidf:
        texts = list(X)
        vocabulary, df = features.document_frequency(texts, self.ngram_max, self.max_chars)
        keep = df >= min(self.min_df, max(1, len(texts)))
        if self.max_features is not None and int(keep.sum()) > self.max_features:
            # the most frequent n-grams (as TfidfVectorizer's max_features); ties keep vocabulary order
            order = np.argsort(-np.where(keep, df, -1), kind="stable")[: self.max_features]
            keep = np.zeros_like(keep)
            keep[order] = True
        self.vocabulary_ = vocabulary[keep]
        self.idf_ = np.log((1 + len(texts)) / (1 + df[keep])) + 1.0
        if self.vocabulary_.size == 0:
            # No titles at all (a CSV with text only): one column that never fires keeps the
            # matrix two-dimensional for the estimator. Code 0 is no n-gram of normalised text.
            self.vocabulary_ = np.zeros(1, dtype=np.uint64)
            self.idf_ = np.ones(1)
        return self

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:
        return features.tfidf(list(X), self.vocabulary_, self.idf_, self.ngram_max, self.max_chars)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(features.names(self.vocabulary_), dtype=object)
