"""Character n-gram TF-IDF for Chinese request text, fast enough for intake (docs/decisions/081).

scikit-learn's `TfidfVectorizer(analyzer="char")` builds every n-gram as a Python string and
keeps a dict of half a million of them: at 450 characters a message that is ~1,500 messages/s and
seconds to unpickle. Here a text's characters become their code points in one numpy array, an
n-gram (n ≤ 3) is its code points packed into one 64-bit integer (21 bits each, so 1-, 2- and
3-grams never collide), and the vocabulary is a sorted integer array searched with
`np.searchsorted`. The figures equal TfidfVectorizer's (sublinear tf, smooth idf, l2) to the
last digit (tests/classification/test_features.py); the saved model is a few arrays, and
prediction needs numpy and scipy only (no scikit-learn import: the model loads fast).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

_BITS = np.uint64(21)  # a Unicode code point fits in 21 bits
MAX_N = 3


def ngram_codes(
    texts: Sequence[str], ngram_max: int = MAX_N, max_chars: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, code) of every character n-gram (1 ≤ n ≤ ngram_max) of every text, as two arrays."""
    if not 1 <= ngram_max <= MAX_N:
        raise ValueError("ngram_max must be 1, 2 or 3")
    if max_chars:
        texts = [t[:max_chars] for t in texts]
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    chars = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum(lengths)
    row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    rows, codes = [], []
    for n in range(1, ngram_max + 1):
        m = chars.size - n + 1
        if m <= 0:
            continue
        gram = chars[:m].copy()
        for k in range(1, n):
            gram = (gram << _BITS) | chars[k : k + m]
        row = row_of[:m]
        inside = np.arange(m) + n <= ends[row]  # the n-gram does not run into the next text
        rows.append(row[inside])
        codes.append(gram[inside])
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
    return np.concatenate(rows), np.concatenate(codes)


def document_frequency(
    texts: Sequence[str], ngram_max: int = MAX_N, max_chars: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(vocabulary, df): every n-gram code seen, sorted, and in how many texts it occurs."""
    rows, codes = ngram_codes(texts, ngram_max, max_chars)
    vocabulary, columns = np.unique(codes, return_inverse=True)
    seen = sp.csr_matrix((np.ones(rows.size), (rows, columns.ravel())), shape=(len(texts), vocabulary.size))
    seen.sum_duplicates()
    return vocabulary, np.bincount(seen.indices, minlength=vocabulary.size)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


class Lookup:
    """Column of each n-gram code in a sorted vocabulary: one probe of a hash table (Fibonacci
    hashing, 8 slots per word) for most codes, binary search only for those whose slot is shared.
    A binary search of half a million codes per n-gram was most of the prediction time."""

    def __init__(self, vocabulary: np.ndarray):
        self.vocabulary = vocabulary
        bits = max(4, int(np.ceil(np.log2(max(1, vocabulary.size) * 8))))
        self._shift = np.uint64(64 - bits)
        slots = self._slot(vocabulary)
        self._table = np.full(1 << bits, -1, dtype=np.int64)
        self._table[slots[::-1]] = np.arange(vocabulary.size)[::-1]  # the first word of a slot wins
        used = np.bincount(slots, minlength=1 << bits)
        self._shared = used > 1

    def _slot(self, codes: np.ndarray) -> np.ndarray:
        return ((codes * _GOLDEN) >> self._shift).astype(np.int64)

    def __call__(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(column, known): the column of each code, and whether the code is in the vocabulary."""
        if self.vocabulary.size == 0:
            return np.zeros(codes.size, dtype=np.int64), np.zeros(codes.size, dtype=bool)
        slots = self._slot(codes)
        at = self._table[slots]
        hit = at >= 0
        at[~hit] = 0
        known = hit & (self.vocabulary[at] == codes)
        retry = ~known & self._shared[slots]
        if retry.any():
            found = np.searchsorted(self.vocabulary, codes[retry])
            found[found == self.vocabulary.size] = 0
            at[retry] = found
            known[retry] = self.vocabulary[found] == codes[retry]
        return at, known


def tfidf(
    texts: Sequence[str],
    vocabulary: np.ndarray | Lookup,
    idf: np.ndarray,
    ngram_max: int = MAX_N,
    max_chars: int | None = None,
) -> sp.csr_matrix:
    """Rows of l2-normalised sublinear TF-IDF over `vocabulary` (n-grams outside it are dropped)."""
    lookup = vocabulary if isinstance(vocabulary, Lookup) else Lookup(vocabulary)
    vocabulary = lookup.vocabulary
    rows, codes = ngram_codes(texts, ngram_max, max_chars)
    if vocabulary.size == 0:
        return sp.csr_matrix((len(texts), 0))
    at, known = lookup(codes)
    counts = sp.csr_matrix(
        (np.ones(int(known.sum())), (rows[known], at[known])), shape=(len(texts), vocabulary.size)
    )
    counts.sum_duplicates()
    np.log(counts.data, out=counts.data)
    counts.data += 1.0
    counts.data *= idf[counts.indices]
    lengths = np.diff(counts.indptr)
    row_of = np.repeat(np.arange(len(texts)), lengths)
    norms = np.sqrt(np.bincount(row_of, weights=counts.data**2, minlength=len(texts)))
    counts.data /= norms[row_of]
    return counts


def names(vocabulary: np.ndarray) -> list[str]:
    """The n-grams of a vocabulary as text (for people reading a model)."""
    out = []
    for code in vocabulary.tolist():
        chars = []
        while code:
            chars.append(chr(code & 0x1FFFFF))
            code >>= 21
        out.append("".join(reversed(chars)))
    return out
