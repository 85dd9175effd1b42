"""Chinese text cut into the words the full-text index stores and the query looks for (jieba).

Indexing uses jieba's search mode, which also yields the shorter words inside a long one
("社会保险" → 社会, 保险, 社会保险), so that a caller's "社保 怎么 交" finds "社会保险费缴纳"
through 保险/缴纳 and the words of the city-management dictionary (taxonomy/data/words.txt).
Only words of letters, digits or Chinese characters are kept; common function words are dropped
so that "我想问一下" matches nothing by itself.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache

import jieba

from zhiguan.taxonomy.naming import WORDS_FILE

_lock = threading.Lock()
_WORD = re.compile(r"^\w+$")
# Words every caller says, which tell nothing about the question.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "啊",
        "吧",
        "是",
        "我",
        "你",
        "他",
        "她",
        "它",
        "们",
        "我们",
        "你们",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "要",
        "想",
        "请问",
        "请",
        "问",
        "一下",
        "怎么",
        "怎么办",
        "怎样",
        "如何",
        "什么",
        "哪里",
        "哪儿",
        "哪些",
        "可以",
        "能",
        "能不能",
        "是否",
        "需要",
        "这个",
        "那个",
        "这",
        "那",
        "个",
        "一",
        "您好",
        "你好",
        "谢谢",
        "麻烦",
        "问题",
        "情况",
        "现在",
        "已经",
        "没有",
        "不",
        "吗?",
        "呀",
        "哦",
    ]
)
MAX_QUERY_WORDS = 24


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


def _keep(word: str) -> bool:
    return bool(_WORD.match(word)) and word not in STOP_WORDS


def index_words(*texts: str) -> str:
    """The words of the texts, space-separated and lower-cased, as the index stores them."""
    out: list[str] = []
    with _lock:  # jieba initialises its dictionary lazily and not thread-safely
        tok = _tokenizer()
        for text in texts:
            out.extend(w.lower() for w in tok.cut_for_search(text or "", HMM=False) if _keep(w.strip()))
    return " ".join(out)


def query_words(text: str) -> list[str]:
    """The distinct words of what the operator typed, in order, at most MAX_QUERY_WORDS."""
    with _lock:
        words = [w.strip().lower() for w in _tokenizer().cut_for_search(text or "", HMM=False)]
    seen: dict[str, None] = {}
    for w in words:
        if _keep(w):
            seen.setdefault(w, None)
    kept = list(seen)
    # A lone character (丢, 补, 住) matches half the base and tells little once longer words exist.
    longer = [w for w in kept if len(w) > 1]
    return (longer or kept)[:MAX_QUERY_WORDS]
