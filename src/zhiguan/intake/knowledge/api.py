"""HTTP API of the knowledge base, at /api/v1/knowledge/: parse, call, return."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Query, Router, Status

from zhiguan.intake.knowledge import queries, services
from zhiguan.intake.knowledge.models import Article, CannedReply
from zhiguan.intake.knowledge.schemas import (
    ArticleChangeIn,
    ArticleFilter,
    ArticleIn,
    ArticleOut,
    ArticlePageOut,
    ArticleVersionOut,
    CannedReplyIn,
    CannedReplyOut,
    CannedReplyParams,
    KnowledgeAnswerIn,
    KnowledgeAnswerOut,
    ReviewIn,
    SuggestionOut,
    SuggestParams,
)
from zhiguan.org.auth import ActorRequest

router = Router(tags=["knowledge"])


def _state(article: Article) -> str:
    today = timezone.localdate()
    if article.valid_to is not None and article.valid_to < today:
        return "expired"
    if article.valid_from is not None and article.valid_from > today:
        return "pending"
    return "current"


def _out(articles: list[Article]) -> list[dict[str, Any]]:
    stats = queries.usage([a.pk for a in articles])
    today = timezone.localdate()
    return [
        {
            "id": a.pk,
            "question": a.question,
            "answer": a.answer,
            "tags": a.tags,
            "category_id": a.category_id,
            "category_name": a.category.path_name if a.category else "",
            "department_id": a.department_id,
            "department_name": a.department.name if a.department else "",
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
            "review_on": a.review_on,
            "state": _state(a),
            "review_due": a.review_on is not None and a.review_on <= today,
            "version": a.version,
            "updated_at": a.updated_at,
            **stats[a.pk],
        }
        for a in articles
    ]


@router.get(
    "/suggest", response=list[SuggestionOut], summary="Articles for the request text as the operator types"
)
def suggest(request: ActorRequest, params: Query[SuggestParams]) -> list[dict]:
    return [
        {
            "id": a.pk,
            "question": a.question,
            "answer": a.answer,
            "tags": a.tags,
            "category_name": a.category.path_name if a.category else "",
            "department_name": a.department.name if a.department else "",
            "score": round(score, 4),
            "matched": matched,
        }
        for a, score, matched in queries.suggest(request.auth, params.text, limit=params.limit)
    ]


@router.get(
    "/articles", response=ArticlePageOut, summary="Articles: full-text search (q) or the editor's list"
)
def list_articles(request: ActorRequest, filters: Query[ArticleFilter]) -> dict:
    actor = request.auth
    if filters.q and filters.q.strip():
        found = [a for a, _ in queries.search(actor, filters.q, limit=filters.limit, current_only=False)]
        if filters.category_id is not None:
            found = [a for a in found if a.category_id == filters.category_id]
        if filters.state is not None:
            keep = {
                a.pk
                for a in queries.articles(actor, state=filters.state).filter(pk__in=[a.pk for a in found])
            }
            found = [a for a in found if a.pk in keep]
        return {"total": len(found), "items": _out(found)}
    qs = queries.articles(actor, category_id=filters.category_id, state=filters.state)
    rows = list(qs[filters.offset : filters.offset + filters.limit])
    return {"total": qs.count(), "items": _out(rows)}


@router.get(
    "/review", response=list[ArticleOut], summary="Articles ended or due for review (hidden ones first)"
)
def review(request: ActorRequest) -> list[dict]:
    return _out(list(queries.review_list(request.auth)[:500]))


@router.post("/articles", response={201: ArticleOut}, summary="Write a new article")
def create_article(request: ActorRequest, payload: ArticleIn) -> Status:
    article = services.create_article(actor=request.auth, **payload.dict())
    return Status(201, _out([queries.get_article(request.auth, article.pk)])[0])


@router.get("/articles/{article_id}", response=ArticleOut)
def get_article(request: ActorRequest, article_id: int) -> dict:
    return _out([queries.get_article(request.auth, article_id)])[0]


@router.put("/articles/{article_id}", response=ArticleOut, summary="Change an article (at the version read)")
def change_article(request: ActorRequest, article_id: int, payload: ArticleChangeIn) -> dict:
    data = payload.dict()
    version = data.pop("expected_version")
    services.update_article(actor=request.auth, article_id=article_id, expected_version=version, **data)
    return _out([queries.get_article(request.auth, article_id)])[0]


@router.post("/articles/{article_id}/reviewed", response=ArticleOut, summary="Mark checked: next review date")
def reviewed(request: ActorRequest, article_id: int, payload: ReviewIn) -> dict:
    services.mark_reviewed(actor=request.auth, article_id=article_id, **payload.dict())
    return _out([queries.get_article(request.auth, article_id)])[0]


@router.delete("/articles/{article_id}", response={204: None}, summary="Delete an article never used")
def delete_article(request: ActorRequest, article_id: int) -> Status:
    services.delete_article(actor=request.auth, article_id=article_id)
    return Status(204, None)


@router.get(
    "/articles/{article_id}/history", response=list[ArticleVersionOut], summary="Every version of an article"
)
def article_history(request: ActorRequest, article_id: int) -> list[dict]:
    kinds = {"+": "created", "~": "changed", "-": "deleted"}
    return [
        {
            "version": h.version,
            "at": h.history_date,
            "by": (h.history_user.full_name or h.history_user.username) if h.history_user else "",
            "kind": kinds.get(h.history_type, "changed"),
            "question": h.question,
            "answer": h.answer,
            "valid_to": h.valid_to,
        }
        for h in queries.history(request.auth, article_id)
    ]


@router.post(
    "/answer", response=KnowledgeAnswerOut, summary="Answer a consultation at intake with an article"
)
def answer(request: ActorRequest, payload: KnowledgeAnswerIn) -> dict:
    case = services.answer_with_article(actor=request.auth, **payload.dict())
    return {
        "number": case.number,
        "status": case.status,
        "version": case.version,
        "article_id": payload.article_id,
    }


def _reply_out(r: CannedReply) -> dict[str, Any]:
    return {
        "id": r.pk,
        "category_id": r.category_id,
        "category_name": r.category.path_name if r.category else "",
        "case_status": r.case_status,
        "title": r.title,
        "text": r.text,
        "sort_order": r.sort_order,
    }


@router.get(
    "/replies", response=list[CannedReplyOut], summary="Canned replies for a category and case status"
)
def list_replies(request: ActorRequest, params: Query[CannedReplyParams]) -> list[dict]:
    rows = queries.replies(request.auth, category_id=params.category_id, case_status=params.case_status)
    return [_reply_out(r) for r in rows]


@router.post("/replies", response={201: CannedReplyOut}, summary="Add a canned reply")
def create_reply(request: ActorRequest, payload: CannedReplyIn) -> Status:
    return Status(201, _reply_out(services.save_reply(actor=request.auth, **payload.dict())))


@router.put("/replies/{reply_id}", response=CannedReplyOut, summary="Change a canned reply")
def change_reply(request: ActorRequest, reply_id: int, payload: CannedReplyIn) -> dict:
    return _reply_out(services.save_reply(actor=request.auth, reply_id=reply_id, **payload.dict()))


@router.delete("/replies/{reply_id}", response={204: None}, summary="Delete a canned reply")
def delete_reply(request: ActorRequest, reply_id: int) -> Status:
    services.delete_reply(actor=request.auth, reply_id=reply_id)
    return Status(204, None)
