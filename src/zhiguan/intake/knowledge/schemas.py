"""Request and response shapes of the knowledge base (`/api/v1/knowledge/`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from zhiguan.schemas import Day, Id, InputSchema, ParamsSchema

Tag = Annotated[str, Field(min_length=1, max_length=20)]


class ArticleIn(InputSchema):
    question: str = Field(min_length=2, max_length=200)
    answer: str = Field(min_length=2, max_length=2000)
    tags: list[Tag] = Field(default_factory=list, max_length=12)
    category_id: Id | None = None
    department_id: Id | None = None
    valid_from: Day | None = None
    valid_to: Day | None = None
    review_on: Day | None = None


class ArticleChangeIn(ArticleIn):
    expected_version: int = Field(ge=1)


class ReviewIn(InputSchema):
    review_on: Day
    valid_to: Day | None = None


class RatingsOut(Schema):
    satisfied: int
    basically_satisfied: int
    dissatisfied: int


class ArticleOut(Schema):
    id: int
    question: str
    answer: str
    tags: list[str]
    category_id: int | None
    category_name: str
    department_id: int | None
    department_name: str
    valid_from: date | None
    valid_to: date | None
    review_on: date | None
    state: str  # current / expired / pending
    review_due: bool
    version: int
    updated_at: datetime
    answered: int
    ratings: RatingsOut
    satisfaction: float | None


class SuggestionOut(Schema):
    id: int
    question: str
    answer: str
    tags: list[str]
    category_name: str
    department_name: str
    score: float
    matched: list[str]


class ArticleFilter(ParamsSchema):
    q: str | None = Field(None, max_length=200)
    category_id: Id | None = None
    state: str | None = Field(None, max_length=16, pattern="^(current|expired|pending|review)$")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=100_000)


class SuggestParams(ParamsSchema):
    text: str = Field(max_length=2000)
    limit: int = Field(5, ge=1, le=20)


class ArticlePageOut(Schema):
    total: int
    items: list[ArticleOut]


class ArticleVersionOut(Schema):
    version: int
    at: datetime
    by: str
    kind: str  # created / changed / deleted
    question: str
    answer: str
    valid_to: date | None


class KnowledgeAnswerIn(InputSchema):
    case_number: str = Field(min_length=1, max_length=32)
    article_id: Id
    expected_version: int | None = Field(None, ge=1)
    note: str = Field("", max_length=2000)


class KnowledgeAnswerOut(Schema):
    number: str
    status: str
    version: int
    article_id: int


class CannedReplyIn(InputSchema):
    category_id: Id | None = None
    case_status: str = Field("", max_length=24)
    title: str = Field(min_length=1, max_length=60)
    text: str = Field(min_length=1, max_length=2000)
    sort_order: int = Field(0, ge=0, le=1000)


class CannedReplyParams(ParamsSchema):
    category_id: Id | None = None
    case_status: str | None = Field(None, max_length=24)


class CannedReplyOut(Schema):
    id: int
    category_id: int | None
    category_name: str
    case_status: str
    title: str
    text: str
    sort_order: int
