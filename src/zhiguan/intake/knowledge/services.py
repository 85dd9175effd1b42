"""Writes of the knowledge base: articles (with their index entry), canned replies, and the
answer of a consultation at intake with an article.

Guarantees: every write is audited (`knowledge.*`) and kept in the article's history; the search
index (`search_text` and, on SQLite, the FTS5 row) changes in the same transaction as the article;
an article is edited only at the version the editor read (409 `conflict` otherwise); a case is
answered only through `cases.services.perform` ("answer"), and the article it was answered with
is recorded on its timeline (`knowledge_answer` annotation) and as an `ArticleUse`, in the same
transaction, so both happen or neither.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case
from zhiguan.errors import Conflict, InvalidInput, NotFound
from zhiguan.intake.knowledge import queries
from zhiguan.intake.knowledge.models import Article, ArticleUse, CannedReply
from zhiguan.intake.knowledge.words import index_words
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category

# Who edits articles: those who maintain the taxonomy (the centre's knowledge officers).
EDIT_ACTION = "taxonomy.manage"
FIELDS = ("question", "answer", "tags", "category_id", "department_id", "valid_from", "valid_to", "review_on")


def search_text(article: Article) -> str:
    """What the index reads: the question and tags twice (they weigh more), then the answer."""
    head = index_words(article.question, " ".join(article.tags))
    return f"{head} {head} {index_words(article.answer)}"


def bump(jurisdiction_id: int) -> None:
    """The district's articles changed: word counts of the search are recounted (`queries`)."""
    key = queries.version_key(jurisdiction_id)
    cache.add(key, 0, None)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, None)


def _bump_now_and_at_commit(jurisdiction_id: int) -> None:
    # Now for this transaction's own searches; again at commit, for a reader that recounted
    # in between and would otherwise keep the counts of before the change.
    bump(jurisdiction_id)
    transaction.on_commit(lambda: bump(jurisdiction_id))


def _index(article: Article) -> None:
    """Keep the SQLite FTS5 row in step (PostgreSQL's generated column follows search_text)."""
    _bump_now_and_at_commit(article.jurisdiction_id)
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cur:
        cur.execute("DELETE FROM knowledge_article_fts WHERE rowid = %s", [article.pk])
        cur.execute(
            "INSERT INTO knowledge_article_fts (rowid, search_text) VALUES (%s, %s)",
            [article.pk, article.search_text],
        )


def _unindex(article: Article) -> None:
    article_id = article.pk
    _bump_now_and_at_commit(article.jurisdiction_id)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("DELETE FROM knowledge_article_fts WHERE rowid = %s", [article_id])


def _clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in out:
            out.append(tag)
    return out[:12]


def _check(actor: Actor, data: dict[str, Any]) -> None:
    j = actor.jurisdiction.pk
    category_id, department_id = data.get("category_id"), data.get("department_id")
    if category_id is not None and not Category.objects.filter(pk=category_id, jurisdiction_id=j).exists():
        raise InvalidInput(_("Unknown category."), code="unknown_category", field="category_id")
    if (
        department_id is not None
        and not Department.objects.filter(pk=department_id, jurisdiction_id=j).exists()
    ):
        raise InvalidInput(_("Unknown department."), code="unknown_department", field="department_id")
    start, end = data.get("valid_from"), data.get("valid_to")
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            _("The article cannot end before it starts."), code="invalid_period", field="valid_to"
        )


def _snapshot(article: Article) -> dict[str, Any]:
    return {f: (v.isoformat() if isinstance(v, date) else v) for f in FIELDS for v in [getattr(article, f)]}


@transaction.atomic
def create_article(*, actor: Actor, **data: Any) -> Article:
    require(actor, EDIT_ACTION)
    data["tags"] = _clean_tags(data.get("tags") or [])
    _check(actor, data)
    article = Article(jurisdiction=actor.jurisdiction, updated_by=actor.user, **data)
    article.search_text = search_text(article)
    article._history_user = actor.user  # type: ignore[attr-defined]  # who, in the edit history
    article.save()
    _index(article)
    audit.record(actor=actor, action="knowledge.article_created", target=article, after=_snapshot(article))
    return article


def _locked(actor: Actor, article_id: int) -> Article:
    article = (
        Article.objects.select_for_update()
        .filter(pk=article_id, jurisdiction_id=actor.jurisdiction.pk)
        .first()
    )
    if article is None:
        raise NotFound()
    return article


@transaction.atomic
def update_article(*, actor: Actor, article_id: int, expected_version: int, **data: Any) -> Article:
    """Change an article read at `expected_version` (409 `conflict` when someone saved in between)."""
    require(actor, EDIT_ACTION)
    article = _locked(actor, article_id)
    if article.version != expected_version:
        raise Conflict(version=article.version)
    data["tags"] = _clean_tags(data.get("tags") or [])
    _check(actor, data)
    before = _snapshot(article)
    for key, value in data.items():
        setattr(article, key, value)
    article.version += 1
    article.updated_by = actor.user
    article.search_text = search_text(article)
    article._history_user = actor.user  # type: ignore[attr-defined]
    article.save()
    _index(article)
    audit.record(
        actor=actor,
        action="knowledge.article_changed",
        target=article,
        before=before,
        after=_snapshot(article),
    )
    return article


@transaction.atomic
def mark_reviewed(*, actor: Actor, article_id: int, review_on: date, valid_to: date | None) -> Article:
    """The article was checked: the next review date, and (to extend or end it) its end date."""
    require(actor, EDIT_ACTION)
    article = _locked(actor, article_id)
    if review_on <= timezone.localdate():
        raise InvalidInput(
            _("The next review must be after today."), code="invalid_review_date", field="review_on"
        )
    before = _snapshot(article)
    article.review_on, article.valid_to = review_on, valid_to
    article.version += 1
    article.updated_by = actor.user
    article._history_user = actor.user  # type: ignore[attr-defined]
    article.save()
    audit.record(
        actor=actor,
        action="knowledge.article_reviewed",
        target=article,
        before=before,
        after=_snapshot(article),
    )
    return article


@transaction.atomic
def delete_article(*, actor: Actor, article_id: int) -> None:
    """Remove an article never used to answer (one that was used is ended with `valid_to` instead)."""
    require(actor, EDIT_ACTION)
    article = _locked(actor, article_id)
    if article.uses.exists():
        raise Conflict(
            _("This article answered callers: end it with a date instead of deleting it."),
            code="article_in_use",
        )
    audit.record(actor=actor, action="knowledge.article_deleted", target=article, before=_snapshot(article))
    _unindex(article)
    article.delete()


def is_current(article: Article, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (article.valid_from is None or article.valid_from <= today) and (
        article.valid_to is None or article.valid_to >= today
    )


@transaction.atomic
def answer_with_article(
    *, actor: Actor, case_number: str, article_id: int, expected_version: int | None, note: str = ""
) -> Case:
    """Answer a registered consultation at intake with an article: the `answer` action (its note is
    the operator's text, else the article's answer), then "answered with article N" on the timeline.

    422 `article_expired` for an article outside its validity, 404 for an unknown one or case; the
    workflow's own refusals (not a consultation, wrong status, stale version) change nothing.
    """
    require(actor, "case.act")
    article = Article.objects.filter(pk=article_id, jurisdiction_id=actor.jurisdiction.pk).first()
    if article is None:
        raise NotFound(field="article_id")
    if not is_current(article):
        raise InvalidInput(
            _("This article is no longer valid; it cannot answer a caller."),
            code="article_expired",
            field="article_id",
        )
    case = Case.objects.filter(number=case_number, jurisdiction_id=actor.jurisdiction.pk).first()
    if case is None:
        raise NotFound(field="case_number")
    text = (note or article.answer).strip()[:2000]
    case = cases.perform(
        actor=actor, case_id=case.pk, action="answer", expected_version=expected_version, note=text
    )
    cases.annotate(
        actor=actor,
        case_id=case.pk,
        action="knowledge_answer",
        note=_("Answered at intake with article %(id)d: %(question)s")
        % {"id": article.pk, "question": article.question},
        payload={"article_id": article.pk, "article_version": article.version},
    )
    ArticleUse.objects.create(jurisdiction=actor.jurisdiction, article=article, case=case, used_by=actor.user)
    return case


# ------------------------------------------------------------------------------------ canned replies


@transaction.atomic
def save_reply(*, actor: Actor, reply_id: int | None = None, **data: Any) -> CannedReply:
    require(actor, EDIT_ACTION)
    _check(actor, {"category_id": data.get("category_id")})
    if reply_id is None:
        reply = CannedReply.objects.create(jurisdiction=actor.jurisdiction, **data)
        audit.record(
            actor=actor, action="knowledge.reply_created", target=reply, after={"title": reply.title}
        )
        return reply
    found = (
        CannedReply.objects.select_for_update()
        .filter(pk=reply_id, jurisdiction_id=actor.jurisdiction.pk)
        .first()
    )
    if found is None:
        raise NotFound()
    reply = found
    before = {"title": reply.title, "text": reply.text}
    for key, value in data.items():
        setattr(reply, key, value)
    reply.save()
    audit.record(
        actor=actor,
        action="knowledge.reply_changed",
        target=reply,
        before=before,
        after={"title": reply.title, "text": reply.text},
    )
    return reply


@transaction.atomic
def delete_reply(*, actor: Actor, reply_id: int) -> None:
    require(actor, EDIT_ACTION)
    reply = CannedReply.objects.filter(pk=reply_id, jurisdiction_id=actor.jurisdiction.pk).first()
    if reply is None:
        raise NotFound()
    audit.record(actor=actor, action="knowledge.reply_deleted", target=reply, before={"title": reply.title})
    reply.delete()


def reindex_all(jurisdiction_id: int | None = None) -> int:
    """Recompute every article's words and index row (after the word list changed); returns how many."""
    qs = Article.objects.all()
    if jurisdiction_id is not None:
        qs = qs.filter(jurisdiction_id=jurisdiction_id)
    count = 0
    with transaction.atomic():
        for article in qs.iterator():
            article.search_text = search_text(article)
            Article.objects.filter(pk=article.pk).update(search_text=article.search_text)
            _index(article)
            count += 1
    return count
