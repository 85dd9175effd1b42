"""Pairwise duplicate scoring of two requests: pure Python, no Django models, no database.

`score_pair(a, b)` says how likely two requests are the same problem (issue 12,
docs/decisions/082-duplicates.md). The parts:

* text: cosine of the TF-IDF vectors of the jieba words of title + text (after
  `intelligence.text.normalise`, with punctuation and the formulae every petition shares —
  尊敬的领导, 您好, 希望有关部门…, 谢谢 — removed), and the same cosine on the titles alone. The IDF is
  jieba's own table (idf.txt, a general Chinese corpus shipped in the jieba wheel): nothing is
  fitted on our data or at query time, and a word the table lacks (an estate's or a firm's name)
  gets its median weight, so shared names count;
* places: districts (A3区, A7县, B市) and named places (…村, …小区, …路, …花园, …) read from the title and
  the head of the text by pattern; named places that all differ, or districts that all differ,
  count against (the petition data has no coordinates);
* time gap, and when both requests have them: distance in metres, category (same, or related:
  the same first level of a `一级/二级/三级` path), caller, city component.

The parts are summed on a logistic scale and squashed into [0, 1]. The weights of the text, place
and time parts were fitted on the tuning half of the hand-labelled pairs of
bench/data/duplicates_fj3 and are fixed in `DuplicateConfig`; the others are set by hand. Every
score comes with reasons in Chinese, e.g. "相距 38 米，相隔 2 天，同一类别，文本相似度 0.81".

`score_candidates(new, candidates)` scores one request against many (the intake check against
an H3 neighbourhood's candidates). Word vectors and places are cached per text (`lru_cache`), so
a candidate featurised once costs only dictionary look-ups afterwards.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from zhiguan.intelligence.text import normalise

__all__ = [
    "DEFAULT_CONFIG",
    "DuplicateConfig",
    "Match",
    "Request",
    "extract_places",
    "prepare",
    "score_candidates",
    "score_pair",
    "text_similarity",
]


@dataclass(frozen=True)
class Request:
    """One request as the scorer sees it; everything but the text is optional."""

    title: str = ""
    text: str = ""
    time: datetime | None = None  # timezone-aware
    lat: float | None = None
    lng: float | None = None
    category: str | None = None  # a code or a path "一级/二级/三级"; related = same first level
    caller: str | None = None  # a caller id or normalised phone number
    component: str | None = None  # a city-component id


@dataclass(frozen=True)
class DuplicateConfig:
    """Thresholds and weights; the defaults are the platform's (decision 082)."""

    # Decision threshold on the score: at or above it a pair is called a duplicate.
    threshold: float = 0.65  # the F1-best threshold on the tuning half (decision 082)
    # Distance (metres) within which two located requests count as "near"; beyond 5× it they
    # count against. Candidate selection (the DB layer's H3 ring) uses the same figure.
    distance_m: float = 200.0
    # Time window (days): within it time does not count against; beyond it every further window
    # costs `w_time_per_window`, capped at `time_cap_windows`.
    days: float = 30.0
    # Logistic weights of the parts, fitted (logistic regression, C=10) on the tuning half of
    # bench/data/duplicates_fj3/pairs.csv and rounded; see decision 082.
    bias: float = -3.7
    w_text: float = 9.0  # word TF-IDF cosine of title + text
    w_title: float = 2.5  # the same cosine of the titles alone
    w_place_conflict: float = -0.6  # both name places, none the same
    w_district_conflict: float = -2.2  # both name a district (A3区, A7县), none the same
    w_time_per_window: float = -0.44  # per `days` beyond the first window
    time_cap_windows: float = 6.0
    # Hand-set weights of the parts the petition data cannot measure (no coordinates, categories,
    # callers or components in 附件3): a strong sign moves the logit by about one text-similarity
    # step of 0.15.
    w_near: float = 1.5  # at the same spot; falls linearly to half of it at `distance_m`
    w_far: float = -3.0  # beyond 5 × `distance_m`
    w_same_category: float = 0.6
    w_related_category: float = 0.2
    w_other_category: float = -1.5
    w_same_caller: float = 1.0
    w_same_component: float = 1.2


DEFAULT_CONFIG = DuplicateConfig()


@dataclass
class Match:
    """A score in [0, 1], the reasons in Chinese (most telling first) and the parts behind them."""

    score: float
    reasons: list[str]
    parts: dict[str, float] = field(default_factory=dict)
    duplicate: bool = False

    @property
    def summary(self) -> str:
        """The reasons as one line: "相距 38 米，相隔 2 天，同一类别，文本相似度 0.81"."""
        return "，".join(self.reasons)


# --- text -----------------------------------------------------------------------------------

# The formulae of a petition: they say nothing about the matter.
_BOILERPLATE = re.compile(
    "|".join(
        [
            r"尊敬的[\u4e00-\u9fff]{0,6}?(?:领导|书记|市长|县长|区长|局长|主任)",
            r"(?:各位|有关|相关)?(?:领导|部门)?(?:您|你)好",
            r"(?:此致|敬礼|谢谢|感谢|麻烦)[\u4e00-\u9fff]{0,4}",
            r"(?:希望|恳请|请|望|强烈要求)(?:有关|相关)?(?:领导|部门|政府)[\u4e00-\u9fff]{0,6}",
            r"(?:有关|相关)部门",
            r"给予?(?:解决|处理|答复|回复)",
        ]
    )
)
_NOT_TEXT = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Characters of the text compared (the title always whole): a petition states its matter first, and
# jieba's time grows with the length (decision 082 measured 400 against the whole text).
TEXT_HEAD = 400
_IDF: dict[str, float] = {}
_MEDIAN_IDF = [12.0]  # jieba's median, for words its table lacks (names of places, firms)


def _clean(text: str) -> str:
    return _NOT_TEXT.sub(" ", _BOILERPLATE.sub(" ", normalise(text)))


def _idf() -> dict[str, float]:
    """jieba's word IDF table (idf.txt, a general Chinese corpus, shipped in the jieba wheel)."""
    if not _IDF:
        import jieba

        jieba.setLogLevel(logging.WARNING)
        table: dict[str, float] = {}
        with (Path(jieba.__file__).parent / "analyse" / "idf.txt").open(encoding="utf-8") as f:
            for line in f:
                word, _sep, value = line.strip().partition(" ")
                if value:
                    table[word] = float(value)
        _MEDIAN_IDF[0] = sorted(table.values())[len(table) // 2]
        _IDF.update(table)  # filled at once: a second thread sees all of it or none
    return _IDF


@lru_cache(maxsize=16384)
def _vector(text: str) -> tuple[dict[str, float], float]:
    """TF-IDF of the jieba words of `text` (sublinear tf × jieba IDF) and the vector's norm."""
    import jieba

    idf, median = _idf(), _MEDIAN_IDF[0]
    counts: Counter[str] = Counter()
    for word in jieba.lcut(_clean(text), HMM=False):
        word = word.strip()
        if word and (len(word) > 1 or _CJK_CHAR.match(word)):
            counts[word] += 1
    vec = {w: (1.0 + math.log(c)) * idf.get(w, median) for w, c in counts.items()}
    return vec, math.sqrt(sum(v * v for v in vec.values()))


def _cosine(a: tuple[dict[str, float], float], b: tuple[dict[str, float], float]) -> float:
    (va, na), (vb, nb) = a, b
    if not na or not nb:
        return 0.0
    return min(1.0, sum(va[w] * vb[w] for w in va.keys() & vb.keys()) / (na * nb))


def text_similarity(a: str, b: str) -> float:
    """Cosine in [0, 1] of the word TF-IDF vectors of two texts."""
    return _cosine(_vector(a), _vector(b))


# --- places ---------------------------------------------------------------------------------

# An anonymised district of the petition board (A市, A3区, A7县) or a Chinese one.
_DISTRICT = re.compile(r"(?<![a-z0-9])[a-z]\d{0,2}[市区县]")
# A named place: 2–8 characters before a place-kind suffix.
_PLACE_SUFFIX = (
    "小区|花园|家园|公寓|新村|新城|苑|庭|府|村|组|社区|街道|镇|乡|路|大道|街|巷|广场|公园|市场|"
    "大厦|中心|学校|中学|小学|幼儿园|医院|学院|大学|公司|集团|车站|站|湖|河|港|湾|园|城|山庄|国际"
)
_PLACE = re.compile(rf"([\u4e00-\u9fffa-z0-9]{{2,8}}?(?:{_PLACE_SUFFIX}))")
# Words that end like a place but are none, and leading words that are not part of a name.
_NOT_PLACE = re.compile(
    r"^(?:我们|我|你们|本|该|这个|这|那|此|所在|所|有关|相关|附近|周边|整个|全|各|多个|一个|"
    r"几个|老旧|农村|城市|城区|小区|开发商|物业|业主|居民|政府|市政|公交|地铁|道路|马路|街道)+$"
)
_LEAD = re.compile(
    r"^(?:.*?(?:反映|投诉|举报|关于|咨询|建议|请问|要求|希望|位于|地处|座落在|坐落在|来自|居住在|住在|在|的|是|和|与|及|对|从|到|向))"
)
PLACE_HEAD = 200  # characters of the text read for places
_GENERIC_SUFFIX_ONLY = re.compile(rf"^(?:{_PLACE_SUFFIX})+$")


@lru_cache(maxsize=8192)
def extract_places(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The districts (A3区…) and the named places (…村, …小区, …路) a text gives, normalised."""
    norm = normalise(text)
    districts = frozenset(m.group(0) for m in _DISTRICT.finditer(norm) if m.group(0) != "a市")
    names: set[str] = set()
    for chunk in _NOT_TEXT.split(_DISTRICT.sub(" ", norm)):
        for m in _PLACE.finditer(chunk):
            name = _LEAD.sub("", m.group(1))
            if len(name) < 3 or _NOT_PLACE.match(name) or _GENERIC_SUFFIX_ONLY.match(name):
                continue
            names.add(name)
    return districts, frozenset(names)


_TRAILING_SUFFIX = re.compile(rf"(?:{_PLACE_SUFFIX})$")


@lru_cache(maxsize=8192)
def _place_grams(names: frozenset[str]) -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]:
    """Character pairs of each name's core (the name less its 小区/路/村… suffix) and their union."""
    each = []
    for name in sorted(names):
        core = _TRAILING_SUFFIX.sub("", name)
        core = core if len(core) >= 2 else name
        each.append((name, frozenset(core[i : i + 2] for i in range(len(core) - 1))))
    return frozenset().union(*(g for _n, g in each)), tuple(each)


def _matches(pa: frozenset[str], pb: frozenset[str]) -> list[str]:
    """The names of either set that share a character pair of their core with a name of the other:
    "金桂村" ~ "丰收镇金桂村", "华远翠竹苑" ~ "翠竹苑小区", but not "桂园小区" ~ "梅园小区". Sorted."""
    if not pa or not pb:
        return []
    all_a, each_a = _place_grams(pa)
    all_b, each_b = _place_grams(pb)
    return sorted({n for n, g in each_a if g & all_b} | {n for n, g in each_b if g & all_a})


@dataclass(frozen=True, slots=True)
class _Features:
    both: tuple[dict[str, float], float]  # word vector of title + head of text, and its norm
    title: tuple[dict[str, float], float] | None  # of the title alone (None without a title)
    districts: frozenset[str]
    places: frozenset[str]


@lru_cache(maxsize=16384)
def _features(title: str, text: str) -> _Features:
    districts, places = extract_places(f"{title}。{text[:PLACE_HEAD]}")
    return _Features(
        both=_vector(f"{title} {text[:TEXT_HEAD]}"),
        title=_vector(title) if title.strip() else None,
        districts=districts,
        places=places,
    )


def _place_part(fa: _Features, fb: _Features) -> tuple[int, int, int, str]:
    """(shared named places, conflict 0/1, district conflict 0/1, a shared name for the reason).

    Places are read from the title and the head of the text, where a petition names them."""
    shared = _matches(fa.places, fb.places)
    conflict = int(bool(fa.places) and bool(fb.places) and not shared)
    district_conflict = int(bool(fa.districts) and bool(fb.districts) and not (fa.districts & fb.districts))
    example = max(shared, key=lambda x: (len(x), x)) if shared else ""
    return len(shared), conflict, district_conflict, example


# --- the other parts ------------------------------------------------------------------------


def _metres(a: Request, b: Request) -> float | None:
    if a.lat is None or a.lng is None or b.lat is None or b.lng is None:
        return None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lng - a.lng)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(h)))


def _days(a: Request, b: Request) -> float | None:
    if a.time is None or b.time is None:
        return None
    return abs((a.time - b.time).total_seconds()) / 86400.0


def _gap_words(days: float) -> str:
    if days < 1 / 24:
        return "相隔不到 1 小时"
    if days < 1:
        return f"相隔 {round(days * 24)} 小时"
    return f"相隔 {round(days)} 天"


def _category(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return None
    if a == b:
        return "same"
    first_a, first_b = re.split(r"[/>.|]", a)[0], re.split(r"[/>.|]", b)[0]
    return "related" if first_a == first_b else "other"


def _squash(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


def score_pair(a: Request, b: Request, config: DuplicateConfig = DEFAULT_CONFIG) -> Match:
    """How likely `a` and `b` are the same problem: a score in [0, 1] (symmetric) with reasons."""
    return _score(a, _features(a.title, a.text), b, _features(b.title, b.text), config)


def _score(a: Request, fa: _Features, b: Request, fb: _Features, c: DuplicateConfig) -> Match:
    text = _cosine(fa.both, fb.both)
    title = _cosine(fa.title, fb.title) if fa.title and fb.title else text
    parts: dict[str, float] = {"text": round(text, 4), "title": round(title, 4)}
    logit = c.bias + c.w_text * text + c.w_title * title
    reasons: list[tuple[int, str]] = []  # (order, words): place, time, category, … text last

    shared, conflict, district_conflict, example = _place_part(fa, fb)
    parts.update(places_shared=shared, place_conflict=conflict, district_conflict=district_conflict)
    if shared:
        reasons.append((1, f"同一地点（{example}）"))
    elif conflict:
        logit += c.w_place_conflict
        reasons.append((1, "地点不同"))
    if district_conflict:
        logit += c.w_district_conflict
        reasons.append((1, "不在同一区县"))

    metres = _metres(a, b)
    if metres is not None:
        parts["metres"] = round(metres, 1)
        if metres <= c.distance_m:
            logit += c.w_near * (1 - metres / (2 * c.distance_m))
        elif metres > 5 * c.distance_m:
            logit += c.w_far
        reasons.append((0, f"相距 {round(metres)} 米"))

    days = _days(a, b)
    if days is not None:
        parts["days"] = round(days, 3)
        windows = max(0.0, days - c.days) / c.days
        logit += c.w_time_per_window * min(windows, c.time_cap_windows)
        reasons.append((2, _gap_words(days)))

    cat = _category(a.category, b.category)
    if cat is not None:
        weight = {"same": c.w_same_category, "related": c.w_related_category, "other": c.w_other_category}
        logit += weight[cat]
        parts["category"] = {"same": 1.0, "related": 0.5, "other": 0.0}[cat]
        reasons.append((3, {"same": "同一类别", "related": "相近类别", "other": "类别不同"}[cat]))
    if a.caller and b.caller and a.caller == b.caller:
        logit += c.w_same_caller
        parts["same_caller"] = 1
        reasons.append((4, "同一来电人"))
    if a.component and b.component and a.component == b.component:
        logit += c.w_same_component
        parts["same_component"] = 1
        reasons.append((5, "同一部件"))
    reasons.append((9, f"文本相似度 {text:.2f}"))

    score = round(_squash(logit), 4)
    parts["logit"] = round(logit, 4)
    words = [w for _o, w in sorted(reasons, key=lambda r: r[0])]
    return Match(score=score, reasons=words, parts=parts, duplicate=score >= c.threshold)


def prepare(request: Request) -> None:
    """Featurise a request now (word vectors and places, cached) so later checks are fast."""
    _features(request.title, request.text)


def score_candidates(
    new: Request, candidates: Sequence[Request], config: DuplicateConfig = DEFAULT_CONFIG
) -> list[Match]:
    """`score_pair(new, c)` for every candidate, in the candidates' order (rank by `.score`).

    Word vectors and places are cached per text (`lru_cache`), so a neighbourhood's candidates
    are featurised once (about 1–2 ms per message of 300 characters, jieba) and every later check
    against them costs dictionary look-ups only. Call `prepare` on requests ahead (e.g. as cases
    are loaded) to keep the first check fast."""
    fn = _features(new.title, new.text)
    return [_score(new, fn, cand, _features(cand.title, cand.text), config) for cand in candidates]
