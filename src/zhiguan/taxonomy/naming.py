"""How a category is named and found: path names, pinyin initials and generated codes.

Names are segmented into words with jieba (its own dictionary plus the words of city management
in `data/words.txt`, which jieba alone splits badly: "路灯不亮" → 路 / 灯不亮), so that the picker
finds a category by the initials of its whole name ("ldbl") and of each word ("ld", "bl").
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import jieba
from pypinyin import Style, lazy_pinyin

from zhiguan.taxonomy.models import Category

PATH_SEPARATOR = " / "
MAX_LEVEL = 3
WORDS_FILE = Path(__file__).parent / "data" / "words.txt"
_lock = threading.Lock()


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isascii() and ch.isalnum())


def pinyin_initials(name: str) -> str:
    """路灯 → "ld"; 12345热线 → "12345rx"; punctuation is dropped. What operators type in the picker."""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER)
    return "".join(_letters(part) for part in parts)


def pinyin_full(name: str) -> str:
    """路灯不亮 → "ludengbuliang" (tone marks dropped, punctuation dropped)."""
    return "".join(_letters(part) for part in lazy_pinyin(name))


def _is_han(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def syllables(name: str) -> list[str]:
    """One entry per character of `name`: its pinyin syllable for a Chinese character ("路灯" →
    ["lu", "deng"]), else the character itself, lower-cased letters and digits only ("（" → "").
    The console aligns a full-pinyin match ("deng") with the characters it came from."""
    out: list[str] = []
    pos = 0
    for part in lazy_pinyin(name):
        if pos < len(name) and not _is_han(name[pos]) and name.startswith(part, pos):
            out += [_letters(ch) for ch in part]
            pos += len(part)
        else:
            out.append(_letters(part))
            pos += 1
    out += [_letters(ch) for ch in name[pos:]]  # never reached unless pypinyin changes its output
    return out[: len(name)]


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    # A private tokenizer: other code using jieba's global one is not affected by our words.
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            tok.add_word(word, freq=200_000)
    return tok


def words(name: str) -> list[str]:
    """The words of a name, each one with at least one letter, digit or Chinese character
    ("输油（气）井盖" → 输油, 气, 井盖). Deterministic: the dictionary is fixed."""
    with _lock:  # jieba initialises its dictionary lazily and not thread-safely
        parts = _tokenizer().lcut(name, HMM=False)
    return [p for p in parts if pinyin_initials(p)]


def word_initials(name: str) -> str:
    """ "路灯不亮" → "ld bl"; "劳动保障" → "ld bz": the initials of each word, space-separated.
    Their concatenation is always `pinyin_initials(name)`."""
    return " ".join(pinyin_initials(w) for w in words(name))


def apply_path(cat: Category) -> None:
    """Set the path name ("城乡建设 / 城乡规划 / 违章建筑") and path initials ("cxjs/cxgh/wzjz")
    from the category's (already up-to-date) parent, and the node's own word initials and full pinyin."""
    parent = cat.parent
    if parent is None:
        cat.path_name, cat.pinyin_initials = cat.name, pinyin_initials(cat.name)
    else:
        cat.path_name = f"{parent.path_name}{PATH_SEPARATOR}{cat.name}"
        cat.pinyin_initials = f"{parent.pinyin_initials}/{pinyin_initials(cat.name)}"
    cat.pinyin_words = word_initials(cat.name)
    cat.pinyin_full = pinyin_full(cat.name)


def next_child_code(*, jurisdiction_id: int, parent: Category | None, taken: set[str] | None = None) -> str:
    """The next free code under `parent`: "07" for a level-1, "07.03" below it, "07.03.012" for a leaf.

    `taken` (every code of the jurisdiction) is passed by bulk imports to avoid a query per node;
    the caller adds the returned code to it.
    """
    if taken is None:
        taken = set(Category.objects.filter(jurisdiction_id=jurisdiction_id).values_list("code", flat=True))
    width = 3 if parent is not None and parent.level == MAX_LEVEL - 1 else 2
    prefix = f"{parent.code}." if parent is not None else ""
    depth = prefix.count(".")
    n = 1 + sum(1 for c in taken if c.startswith(prefix) and c.count(".") == depth)
    while f"{prefix}{n:0{width}d}" in taken:
        n += 1
    return f"{prefix}{n:0{width}d}"
