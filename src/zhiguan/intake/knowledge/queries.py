"""Reads of the knowledge base: full-text search (PostgreSQL or SQLite FTS5), suggestions while
the operator types, the review list, and how often each article answered and how it was rated.

Search runs one SQL statement on the index (decision 078): on PostgreSQL `to_tsvector('simple',
search_text) @@ to_tsquery(...)` answered by the GIN expression index and ranked by `ts_rank`; on
SQLite an FTS5 MATCH ranked by `bm25`. The query is the typed text's jieba words joined by OR, so
an article matching more (and rarer) words ranks higher. Expired and not-yet-valid articles are
left out unless asked for (the editor's list); they never reach a suggestion.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from zhiguan.cases.models import Case
from zhiguan.intake.knowledge.models import Article, ArticleUse, CannedReply
from zhiguan.intake.knowledge.words import query_words
from zhiguan.org.permissions import Actor, require

VIEW_ACTION = "case.view"


@dataclass(frozen=True)
class Hit:
    article_id: int
    score: float
    words: list[str]


def _current_sql(alias: str) -> str:
    return (
        f"({alias}.valid_from IS NULL OR {alias}.valid_from <= %s) "
        f"AND ({alias}.valid_to IS NULL OR {alias}.valid_to >= %s)"
    )


# The best this many matches by rank are read; then validity and the limit apply.
WINDOW = 60
# A word in more than this share of the district's articles (街道, 办理) ranks little and costs
# most (every match is ranked): left out of the query while rarer words remain.
COMMON_SHARE = 0.04
MAX_WORDS = 8
_df_lock = threading.Lock()
# jurisdiction id → (articles version, word → articles holding it, articles)
_df_cache: dict[int, tuple[Any, Counter[str], int]] = {}


def _document_frequency(jurisdiction_id: int) -> tuple[Counter[str], int]:
    """How many articles hold each word, per process, recounted after the district's articles
    changed (`services.bump`: a shared-cache counter, so no query while nothing changed)."""
    key = cache.get(version_key(jurisdiction_id), 0)
    with _df_lock:
        cached = _df_cache.get(jurisdiction_id)
    if cached is not None and cached[0] == key:
        return cached[1], cached[2]
    df: Counter[str] = Counter()
    total = 0
    qs = Article.objects.filter(jurisdiction_id=jurisdiction_id)
    for text in qs.values_list("search_text", flat=True).iterator(chunk_size=2000):
        df.update(set(text.split()))
        total += 1
    with _df_lock:
        _df_cache[jurisdiction_id] = (key, df, total)
    return df, total


def version_key(jurisdiction_id: int) -> str:
    return f"zhiguan:knowledge:version:{jurisdiction_id}"


def informative(jurisdiction_id: int, words: list[str]) -> list[str]:
    """The words worth asking for: those no more common than COMMON_SHARE of the articles (else
    the two rarest), rarest first, at most MAX_WORDS; words no article holds match nothing."""
    if not words:
        return []
    df, total = _document_frequency(jurisdiction_id)
    present = sorted((w for w in words if df.get(w)), key=lambda w: df[w])
    limit = max(20, int(total * COMMON_SHARE))
    rare = [w for w in present if df[w] <= limit]
    return (rare or present[:2])[:MAX_WORDS]


def _hits(
    jurisdiction_id: int, words: list[str], *, limit: int, current_only: bool, today: date
) -> list[Hit]:
    if not words:
        return []
    if connection.vendor == "postgresql":
        ranked = (
            "SELECT a.id, ts_rank(a.search_vector, q) AS score "
            "FROM knowledge_article a, to_tsquery('simple', %s) q "
            "WHERE a.jurisdiction_id = %s AND a.search_vector @@ q "
            "ORDER BY score DESC, a.id DESC LIMIT %s"
        )
        params: list[Any] = [" | ".join(words), jurisdiction_id, max(WINDOW, limit)]
    else:
        # Ranked inside FTS5 first (its C code, no join per match), the district's best window kept.
        ranked = (
            "SELECT a.id, m.score FROM ("
            "  SELECT rowid, -bm25(knowledge_article_fts) AS score FROM knowledge_article_fts"
            "  WHERE knowledge_article_fts MATCH %s ORDER BY bm25(knowledge_article_fts) LIMIT %s"
            ") m JOIN knowledge_article a ON a.id = m.rowid WHERE a.jurisdiction_id = %s"
        )
        params = [" OR ".join(f'"{w}"' for w in words), max(WINDOW, limit) * 4, jurisdiction_id]
    sql = f"SELECT id, score FROM ({ranked}) r"
    if current_only:
        sql = (
            f"SELECT r.id, r.score FROM ({ranked}) r JOIN knowledge_article a ON a.id = r.id "
            f"WHERE {_current_sql('a')}"
        )
        params += [today, today]
    with connection.cursor() as cur:
        cur.execute(f"{sql} ORDER BY 2 DESC, 1 DESC LIMIT %s", [*params, limit])
        return [Hit(article_id=row[0], score=float(row[1]), words=words) for row in cur.fetchall()]


def search(
    actor: Actor,
    text: str,
    *,
    limit: int = 10,
    current_only: bool = True,
    today: date | None = None,
    words: list[str] | None = None,
) -> list[tuple[Article, float]]:
    """Articles matching the text, best first, with their score (higher is better)."""
    require(actor, VIEW_ACTION)
    asked = informative(actor.jurisdiction.pk, query_words(text) if words is None else words)
    hits = _hits(
        actor.jurisdiction.pk,
        asked,
        limit=limit,
        current_only=current_only,
        today=today or timezone.localdate(),
    )
    by_id = Article.objects.select_related("category", "department").in_bulk([h.article_id for h in hits])
    return [(by_id[h.article_id], h.score) for h in hits if h.article_id in by_id]


def suggest(actor: Actor, text: str, *, limit: int = 5) -> list[tuple[Article, float, list[str]]]:
    """What the operator may answer with, from the request text as typed: current articles only,
    each with the words of the text it matched (the console highlights them)."""
    words = query_words(text)
    found = search(actor, text, limit=limit, words=words)
    out = []
    for article, score in found:
        own = set(article.search_text.split())
        out.append((article, score, [w for w in words if w in own]))
    return out


def articles(
    actor: Actor,
    *,
    category_id: int | None = None,
    state: str | None = None,
    today: date | None = None,
) -> QuerySet[Article]:
    """The editor's list: every article of the district, narrowed by category and by state
    (current / expired / pending: not yet valid / review: due for review or expired)."""
    require(actor, VIEW_ACTION)
    today = today or timezone.localdate()
    qs = Article.objects.filter(jurisdiction_id=actor.jurisdiction.pk).select_related(
        "category", "department"
    )
    if category_id is not None:
        qs = qs.filter(category_id=category_id)
    expired = Q(valid_to__lt=today)
    pending = Q(valid_from__gt=today)
    if state == "current":
        qs = qs.exclude(expired | pending)
    elif state == "expired":
        qs = qs.filter(expired)
    elif state == "pending":
        qs = qs.filter(pending)
    if state == "review":
        return qs.filter(expired | Q(review_on__lte=today)).order_by("valid_to", "review_on", "id")
    # The articles that answer most callers first: what the desk relies on.
    return qs.annotate(answered=Count("uses")).order_by("-answered", "-updated_at", "-id")


def review_list(actor: Actor, today: date | None = None) -> QuerySet[Article]:
    """Articles to look at: ended (hidden from answers) or past their review date."""
    return articles(actor, state="review", today=today)


def get_article(actor: Actor, article_id: int) -> Article:
    from zhiguan.errors import NotFound

    require(actor, VIEW_ACTION)
    article = (
        Article.objects.select_related("category", "department")
        .filter(pk=article_id, jurisdiction_id=actor.jurisdiction.pk)
        .first()
    )
    if article is None:
        raise NotFound()
    return article


def usage(article_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per article: how many callers it answered, and how those who rated their case rated it."""
    out: dict[int, dict[str, Any]] = {
        i: {"answered": 0, "ratings": {"satisfied": 0, "basically_satisfied": 0, "dissatisfied": 0}}
        for i in article_ids
    }
    counts = (
        ArticleUse.objects.filter(article_id__in=article_ids).values("article_id").annotate(n=Count("id"))
    )
    for row in counts:
        out[row["article_id"]]["answered"] = row["n"]
    rated = (
        ArticleUse.objects.filter(article_id__in=article_ids)
        .exclude(case__callback_result="")
        .values_list("article_id", "case__callback_result")
    )
    tally = Counter(rated)
    for (article_id, result), n in tally.items():
        if result in out[article_id]["ratings"]:
            out[article_id]["ratings"][result] = n
    for stats in out.values():
        rated_n = sum(stats["ratings"].values())
        good = stats["ratings"]["satisfied"] + stats["ratings"]["basically_satisfied"]
        stats["satisfaction"] = round(good / rated_n, 3) if rated_n else None
    return out


def history(actor: Actor, article_id: int) -> list[Any]:
    """The article's versions, newest first (who, when, what it said)."""
    article = get_article(actor, article_id)
    return list(article.history.select_related("history_user").order_by("-history_date", "-history_id")[:100])


def replies(
    actor: Actor, *, category_id: int | None = None, case_status: str | None = None
) -> list[CannedReply]:
    """Canned replies for a category and a case status: the exact ones first, then those for the
    category in any status, then those for any category."""
    require(actor, VIEW_ACTION)
    qs = CannedReply.objects.filter(jurisdiction_id=actor.jurisdiction.pk).select_related("category")
    if category_id is not None:
        qs = qs.filter(Q(category_id=category_id) | Q(category__isnull=True))
    if case_status:
        qs = qs.filter(Q(case_status=case_status) | Q(case_status=""))
    rows = list(qs)
    rows.sort(key=lambda r: (r.category_id is None, r.case_status == "", r.sort_order, r.pk))
    return rows


def answered_with(case: Case) -> int | None:
    """The article a case was answered with at intake, if any."""
    use = ArticleUse.objects.filter(case=case).values_list("article_id", flat=True).first()
    return use
