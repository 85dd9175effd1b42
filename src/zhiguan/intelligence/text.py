"""The one normaliser of Chinese request text, for training, prediction and duplicate checks.

Messages arrive raw (全角 punctuation, ideographic spaces, line breaks) or already tokenised by
someone else (words separated by spaces: the petition training file mixes both). Models must see
one form, so a message and its pre-tokenised copy normalise to the same string: NFKC folds
full-width letters, digits and punctuation to half-width; letters are lower-cased; every run of
whitespace becomes one space; a space between two CJK characters (a tokeniser's, never a
writer's) is removed.
"""

from __future__ import annotations

import re
import unicodedata

_WHITESPACE = re.compile(r"\s+")
# A CJK ideograph or CJK punctuation (after NFKC most punctuation is ASCII already).
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK}) (?={_CJK})")


def normalise(text: str | None) -> str:
    """The text folded to one form (see the module's docstring); '' for None."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = _WHITESPACE.sub(" ", folded).strip()
    return _CJK_GAP.sub("", folded)


def join_title(title: str | None, text: str | None) -> str:
    """Title and body as one normalised text (the title first, it is the densest part)."""
    parts = [normalise(title), normalise(text)]
    return " ".join(p for p in parts if p)
