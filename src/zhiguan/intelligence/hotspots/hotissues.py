"""Hot issues (热点问题): requests about the same matter grouped and ranked by a heat index. Pure.

Decision 083 explains the choices and the figures measured on 附件3. In short:

1. Text: the subject and the opening of the body, normalised (`zhiguan.intelligence.text`), as
   character 2-3-gram TF-IDF; the similarity of two requests is 0.6 × subject cosine +
   0.4 × (subject + body) cosine.
2. Place: place names are cut from the text (an administrative code such as A3区 or K9县, then a
   name ending in 小区/花园/路/街/村/学校/… up to the next one); two requests *share* a place when
   one name contains the other, and *conflict* when both name places and none is shared.
3. Link two requests when they are at most `window_days` apart and either share a place and are
   similar (≥ `link_place`), or do not conflict and are very similar (≥ `link_text`); a group is a
   connected component of the links. Groups that grew too large (chaining) are cut again with
   stricter thresholds.
4. Heat index (documented in `heat_index`): distinct reporters, size, public support
   (likes − dislikes, log-scaled), days with reports and recent growth.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

import numpy as np

from zhiguan.intelligence.text import normalise

BODY_CHARS = 240  # the matter is stated at the start; the rest is mostly story and repetition

_SUFFIXES = (
    "小区|花园|家园|公寓|大厦|广场|商城|新城|新村|公馆|山庄|华庭|华府|名苑|苑|院|庭|府|城|湾|园|居|"
    "大道|路|街道|街|巷|社区|村|组|镇|乡|"
    "学校|学院|大学|中学|小学|幼儿园|医院|公园|市场|车站|地铁站|站|高速|大桥|桥|隧道|物流园|工业园|"
    "项目|楼盘"
)
_ADMIN = re.compile(r"[A-Z]\d{0,2}(?:市|区|县)|西地省|东地省")
# Words that say when: never part of a place name, and no subject of a title (services._first_clause).
RECENT_DAYS = "近日|近期|最近|昨天|昨日|今天|前几天|前天"
DAY_PARTS = "凌晨|早上|上午|中午|下午|傍晚|晚上|夜间"
# Words that open a complaint and never belong to a place name; a chunk boundary.
_LEAD = re.compile(
    r"[^\u4e00-\u9fffA-Za-z0-9]+|关于|反映|投诉|举报|咨询|请问|请求|要求|建议|希望|坚决|强烈|反对|"
    r"实名|紧急|求助|恳请|恳求|呼吁|询问|质疑|加快|加强|尽快|解决|整治|治理|查处|处理|关注|督促|过问|"
    r"落实|取消|开通|设立|设置|修建|新建|建设|改造|拆除|"
    # directions and stretches after a crossing ("…交叉口往东一段路"): never part of a name
    r"交叉口|十字路口|路口|往东|往西|往南|往北|向东|向西|向南|向北|一段|一带|沿线|"
    # when and in what weather: "昨晚大风后福城路…" named a place 昨晚大风后福城
    rf"昨晚|今早|今晚|{RECENT_DAYS}|每次|每天|每晚|每逢|每到|"
    rf"下雨后|下大雨|下雨|大风后|大风|暴雨后|暴雨|雨后|经过时|深夜|半夜|{DAY_PARTS}|"
    r"请|对|给|在|的|和|与|及|至|到|从|把|被|将|为|是|有"
)
# A name ends at a place suffix, or at a letter code inside it: the anonymiser of 附件3 put codes
# such as K9县 into estate names. Codes of the city itself (A市, A1区..A9区/县) always split.
_NAME = re.compile(rf"([\u4e00-\u9fffA-Za-z0-9]{{2,10}}?(?:{_SUFFIXES}|[B-Z]\d{{1,2}}(?:县|区)))")
_CITY_CODE = re.compile(r"A\d{0,2}(?:市|区|县)")
_SUFFIX_END = re.compile(rf"(?:{_SUFFIXES})$")
_GENERIC = {
    "小区", "学校", "医院", "公园", "市场", "项目", "楼盘", "社区", "街道", "高速", "路段", "马路",
    "道路", "公路", "农村", "城市", "城区", "老城", "新城", "乡村", "乡镇", "学院", "大学", "中学",
    "小学", "幼儿园", "车站", "村组", "本小区", "我小区", "我们小区", "该小区", "这个小区", "周边小区",
    "附近小区", "所在小区", "整个小区", "居民小区", "老旧小区", "安置小区", "城乡", "全市", "全省",
    # a kind of place, not a place: two bus stops on different roads are not one matter
    "公交站", "公交车站", "汽车站", "地铁站", "火车站", "站台", "候车亭", "加油站", "充电站", "菜市场",
    "农贸市场", "停车场", "人行道", "斑马线", "红绿灯",
}  # fmt: skip


_NOT_AN_END = (
    "跑路",
    "走路",
    "让路",
    "修路",
    "马路",
    "道路",
    "公路",
    "出路",
    "门口站",
    "沿路",
    "一路",
    "全路",
)
_NOT_A_START = {"小区", "社区", "附近", "周边", "旁边", "门口", "对面", "楼下", "一楼", "底层", "临街"}


@dataclass
class Message:
    id: str
    title: str
    text: str
    time: datetime
    user: str = ""
    likes: int = 0
    dislikes: int = 0


@dataclass
class HotIssue:
    rank: int
    heat: float
    title: str
    place: str
    start: datetime
    end: datetime
    size: int
    reporters: int
    support: int  # Σ max(likes - dislikes, 0)
    growth: float
    ids: list[str]
    components: dict[str, float] = field(default_factory=dict)


def extract_places(text: str) -> list[str]:
    """Place names in `text` (NFKC-folded, order kept, no repeats), e.g. ['A7县', '青山镇', '石桥村']."""
    folded = unicodedata.normalize("NFKC", text or "")
    places: list[str] = []
    for chunk in _LEAD.split(_CITY_CODE.sub(lambda m: f"|{m.group(0)}", folded)):
        pos = 0
        while m := _ADMIN.match(chunk, pos):  # codes opening a chunk are administrative
            if m.group(0) not in places:
                places.append(m.group(0))
            pos = m.end()
        while pos < len(chunk):
            m = _NAME.match(chunk, pos)
            if not m:
                break
            name = m.group(1)
            if (
                name not in _GENERIC
                and name[:2] not in _NOT_A_START
                and not name.endswith(_NOT_AN_END)
                and not name.isdigit()
                and name not in places
            ):
                places.append(name)
            pos = m.end()
    return places


def named_places(places: Sequence[str]) -> list[str]:
    """The places that are names, not administrative codes."""
    return [p for p in places if not _ADMIN.fullmatch(p)]


@lru_cache(maxsize=16384)
def _stem(name: str) -> str:
    stem = _SUFFIX_END.sub("", name)
    return stem if len(stem) >= 2 else name


# Few distinct names meet again and again across a window's pairs (2,000 requests: 0.9M calls
# over a few thousand name pairs): remembered, grouping takes a third of the time.
@lru_cache(maxsize=65536)
def _same_place(x: str, y: str) -> bool:
    """Two names of one place: one stem inside the other, or 3 characters of the stems in common."""
    a, b = _stem(x), _stem(y)
    if a in b or b in a:
        return True
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size >= 3


def _share(a: Sequence[str], b: Sequence[str]) -> bool:
    return any(_same_place(x, y) for x in a for y in b)


def place_relation(a: Sequence[str], b: Sequence[str]) -> int:
    """1 = the two place lists share a named place, -1 = both name places and share none, 0 = unknown.

    Administrative codes alone say little (a whole district), but two different codes conflict.
    """
    na, nb = named_places(a), named_places(b)
    ca = {c for c in set(a) - set(na) if c[-1] in "区县"}
    cb = {c for c in set(b) - set(nb) if c[-1] in "区县"}
    if ca and cb and not (ca & cb):
        return -1  # two different districts
    if na and nb:
        return 1 if _share(na, nb) else -1
    return 0


def _similarity(titles: list[str], heads: list[str]) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vt = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, dtype=np.float32)
    vb = TfidfVectorizer(
        analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1, max_df=0.5, dtype=np.float32
    )
    xt = vt.fit_transform(titles)
    try:
        xb = vb.fit_transform(heads)
    except ValueError:  # every n-gram in more than half the documents (tiny inputs)
        xb = xt
    return (xt @ xt.T).toarray(), (xb @ xb.T).toarray()


def _rare_terms(titles: list[str], max_share: float = 0.004) -> np.ndarray:
    """Pairs whose subjects share a character trigram that few subjects contain (2..0.4 % of them).

    A matter without a place name (a case or company name such as "99号网贷") is named by such a rare term; common terms (扰民,
    物业) are left to the text similarity.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(titles)
    if n < 2:
        return np.zeros((n, n), dtype=bool)
    try:
        counts = CountVectorizer(analyzer="char", ngram_range=(3, 3), binary=True).fit_transform(titles)
    except ValueError:  # no subject has three characters
        return np.zeros((n, n), dtype=bool)
    df = np.asarray(counts.sum(axis=0)).ravel()
    keep = np.flatnonzero((df >= 2) & (df <= max(3, int(max_share * n))))
    shared = (counts[:, keep] @ counts[:, keep].T).toarray() > 0
    np.fill_diagonal(shared, False)
    return shared


def group_messages(messages: Sequence[Message], **options: Any) -> list[list[int]]:
    """Indexes of `messages` grouped by matter (every message in exactly one group), largest first.

    Options: window_days, link_place, link_text, max_group, cohesion, place_bonus (see `_group`).
    """
    return _group(messages, **options)[0]


def _group(
    messages: Sequence[Message],
    window_days: float = 60.0,
    link_place: float = 0.15,
    link_text: float = 0.55,
    max_group: int = 60,
    cohesion: float = 0.2,
    place_bonus: float = 0.12,
) -> tuple[list[list[int]], np.ndarray]:
    """The groups and the pair similarity matrix (see the module docstring for the rules)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(messages)
    if n == 0:
        return [], np.zeros((0, 0))
    titles = [normalise(m.title) or normalise(m.text)[:40] for m in messages]
    heads = [f"{normalise(m.title)} {normalise(m.text)[:BODY_CHARS]}" for m in messages]
    st, sb = _similarity(titles, heads)
    sim = 0.6 * st + 0.4 * sb
    days = np.array([m.time.timestamp() / 86400.0 for m in messages])
    near = np.abs(days[:, None] - days[None, :]) <= window_days
    title_places = [extract_places(m.title) for m in messages]
    all_places = [
        tp + [p for p in extract_places(m.text[:BODY_CHARS]) if p not in tp]
        for tp, m in zip(title_places, messages, strict=True)
    ]
    rare = _rare_terms([_CITY_CODE.sub("", t.upper()) for t in titles])
    users = [m.user or f"#{m.id}" for m in messages]
    relation = np.zeros((n, n), dtype=np.int8)
    known = np.zeros((n, n), dtype=bool)

    def relate(pairs: np.ndarray) -> None:
        for i, j in pairs:
            if known[i, j]:
                continue
            # subject places decide when both subjects name one; otherwise the body's places count too
            ti, tj = named_places(title_places[i]), named_places(title_places[j])
            rel = place_relation(title_places[i], title_places[j]) if ti and tj else 0
            if rel == 0:
                rel = place_relation(all_places[i], all_places[j])
            if (
                rel == 0
                and rare[i, j]
                and users[i] != users[j]
                and not named_places(all_places[i])
                and not named_places(all_places[j])
            ):
                # no place, but two people name a rare term in their subjects (a case such as "99号网贷");
                # one writer's many messages share phrasing, not necessarily a matter
                rel = 1
            relation[i, j] = relation[j, i] = rel
            known[i, j] = known[j, i] = True

    relate(np.argwhere(np.triu(near & (sim >= min(link_place, link_text)), k=1)))

    def components(lp: float, lt: float, members: np.ndarray) -> list[np.ndarray]:
        s = sim[np.ix_(members, members)]
        r = relation[np.ix_(members, members)]
        w = near[np.ix_(members, members)]
        links = w & (((r == 1) & (s >= lp)) | ((r >= 0) & (s >= lt)))
        k, labels = connected_components(csr_matrix(links), directed=False)
        return [members[labels == c] for c in range(k)]

    def cohesive(members: np.ndarray) -> list[np.ndarray]:
        """Cut a component where its parts are only chained: average linkage over the pair affinity."""
        if len(members) < 3:
            return [members]
        from sklearn.cluster import AgglomerativeClustering

        m = len(members)
        upper = np.triu_indices(m, k=1)
        relate(np.column_stack([members[upper[0]], members[upper[1]]]))
        s = sim[np.ix_(members, members)].astype(np.float64)
        r = relation[np.ix_(members, members)]
        s = np.where(r == 1, s + place_bonus, np.where(r < 0, 0.0, s))
        dist = np.clip(1.0 - s, 0.0, 1.0)
        np.fill_diagonal(dist, 0.0)
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - cohesion
        ).fit_predict(dist)
        return [members[labels == c] for c in np.unique(labels)]

    groups: list[np.ndarray] = []
    todo = components(link_place, link_text, np.arange(n))
    while todo:
        g = todo.pop()
        if len(g) > max_group and link_place < 0.9:  # a long chain: cut it again, stricter
            parts = components(link_place + 0.1, link_text + 0.1, g)
            if len(parts) > 1:
                todo.extend(parts)
                continue
        groups.extend(cohesive(g))
    groups.sort(key=lambda g: (-len(g), int(g.min())))
    return [sorted(int(i) for i in g) for g in groups], sim


def heat_index(
    size: int, reporters: int, support: int, active_days: int, growth: float
) -> tuple[float, dict[str, float]]:
    """The heat of a group, with its parts:

        heat = 1.0·ln(1 + reporters) + 0.5·ln(1 + size) + 0.5·ln(1 + support)
             + 0.5·ln(1 + days with reports) + 0.5·growth

    reporters are distinct users; size and days count at most 3 × reporters (one person writing
    ten times is one voice, the repetitions still count a little); support = Σ max(likes − dislikes, 0); growth ∈ [−1, 1] compares the
    last 14 days before the reference time with the 14 days before them. Logs keep one viral
    message (2,000 likes) from outweighing twenty residents writing in.
    """
    cap = 3 * max(1, reporters)  # one writer's repetitions count up to three messages and days
    parts = {
        "reporters": 1.0 * math.log1p(max(0, reporters)),
        "size": 0.5 * math.log1p(min(max(0, size), cap)),
        "support": 0.5 * math.log1p(max(0, support)),
        "days": 0.5 * math.log1p(min(max(0, active_days), cap)),
        "growth": 0.5 * growth,
    }
    return round(sum(parts.values()), 4), {k: round(v, 4) for k, v in parts.items()}


def _growth(times: Sequence[datetime], now: datetime, days: int = 14) -> float:
    recent = sum(1 for t in times if now - timedelta(days=days) < t <= now)
    before = sum(1 for t in times if now - timedelta(days=2 * days) < t <= now - timedelta(days=days))
    return 0.0 if recent + before == 0 else (recent - before) / (recent + before)


def _place_label(places: list[list[str]]) -> str:
    """The most common administrative code and named place of a group, e.g. 'A2区 青松花园'."""
    codes: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for ps in places:
        named = named_places(ps)
        # in the order the messages name them (not a set's): a tie goes to the code named first,
        # the same in every process (set order followed the hash seed: two runs, two labels)
        codes.update(p for p in dict.fromkeys(ps) if p not in named and "省" not in p)
        names.update(set(named))
    parts = []
    if codes:
        district = [c for c, _ in codes.most_common() if not c.endswith("市")]
        parts.append(district[0] if district else codes.most_common(1)[0][0])
    if names:
        top = names.most_common(1)[0][1]
        best = [n for n, k in names.items() if k == top]
        parts.append(min(best, key=lambda s: (len(s), s)))  # the shortest of the most frequent
    return " ".join(parts)


def hot_issues(
    messages: Sequence[Message],
    window_days: float = 60.0,
    min_size: int = 2,
    now: datetime | None = None,
    top: int | None = None,
) -> list[HotIssue]:
    """Groups of at least `min_size` requests, hottest first. `now` (growth) defaults to the last time."""
    if not messages:
        return []
    groups, sim = _group(messages, window_days=window_days)
    ref = now or max(m.time for m in messages)
    issues = []
    for g in groups:
        if len(g) < max(1, min_size):
            continue
        ms = [messages[i] for i in g]
        times = [m.time for m in ms]
        users = {m.user or f"#{m.id}" for m in ms}
        support = sum(max(0, m.likes - m.dislikes) for m in ms)
        growth = _growth(times, ref)
        heat, parts = heat_index(len(ms), len(users), support, len({t.date() for t in times}), growth)
        if len(g) > 1:  # representative: the member most similar to the rest of the group
            inner = sim[np.ix_(g, g)]
            rep = g[int(np.argmax(inner.sum(axis=1)))]
        else:
            rep = g[0]
        title = messages[rep].title.strip() or normalise(messages[rep].text)[:40]
        place = _place_label([extract_places(m.title) or extract_places(m.text[:BODY_CHARS]) for m in ms])
        ordered = sorted(ms, key=lambda m: (m.time, m.id))
        issues.append(
            HotIssue(
                rank=0,
                heat=heat,
                title=title,
                place=place,
                start=min(times),
                end=max(times),
                size=len(ms),
                reporters=len(users),
                support=support,
                growth=round(growth, 3),
                ids=[m.id for m in ordered],
                components=parts,
            )
        )
    issues.sort(key=lambda h: (-h.heat, -h.size, h.start, h.ids[0]))
    for k, h in enumerate(issues, start=1):
        h.rank = k
    return issues[:top] if top else issues
