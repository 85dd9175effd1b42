"""HTTP API of supervision (督办), mounted under /api/v1/cases/supervision/: parse, call, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from zhiguan.org.permissions import Actor
from zhiguan.schemas import MAX_ID
from zhiguan.supervision import queries, services
from zhiguan.supervision.models import SupervisionNotice
from zhiguan.supervision.schemas import (
    BoardRowOut,
    EscalationOut,
    NoticeAnswerIn,
    NoticeFilter,
    NoticeIn,
    NoticeOut,
)

router = Router(tags=["supervision"])


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def notice_out(notice: SupervisionNotice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "department_id": notice.department_id,
        "department_name": notice.department.name,
        "case_numbers": sorted(c.number for c in notice.cases.all()),
        "level": notice.level,
        "text": notice.text,
        "issued_by": notice.issued_by_label,
        "issued_at": notice.issued_at,
        "due_at": notice.due_at,
        "due_explanation": notice.due_explanation,
        "answer": notice.answer,
        "answered_at": notice.answered_at,
        "answered_late": notice.answered_late,
        "overdue": notice.answered_at is None and notice.due_at < timezone.now(),
    }


@router.get(
    "/notices", response=list[NoticeOut], summary="Supervision notices (by department, open, overdue)"
)
def list_notices(request: HttpRequest, filters: Query[NoticeFilter], limit: int = 200) -> list[dict]:
    qs = queries.notices(_actor(request), filters)
    return [notice_out(n) for n in qs[: max(1, min(limit, 500))]]


@router.post("/notices", response={201: NoticeOut}, summary="Issue a supervision notice to a department")
def issue_notice(request: HttpRequest, payload: NoticeIn) -> Status:
    actor = _actor(request)
    notice = services.issue_notice(actor=actor, **payload.dict())
    return Status(201, notice_out(queries.get_notice(actor, notice.pk)))


@router.get("/notices/{notice_id}", response=NoticeOut)
def get_notice(request: HttpRequest, notice_id: int) -> dict:
    return notice_out(queries.get_notice(_actor(request), notice_id))


@router.post("/notices/{notice_id}/answer", response=NoticeOut, summary="The department answers a notice")
def answer_notice(request: HttpRequest, notice_id: int, payload: NoticeAnswerIn) -> dict:
    actor = _actor(request)
    notice = services.answer_notice(actor=actor, notice_id=notice_id, text=payload.text)
    return notice_out(queries.get_notice(actor, notice.pk))


@router.get(
    "/board",
    response=list[BoardRowOut],
    summary="Per department: yellow and red open cases, open and overdue notices",
)
def board(request: HttpRequest) -> list[dict]:
    return queries.board(_actor(request))


@router.get(
    "/escalations", response=list[EscalationOut], summary="Overdue stages escalated to department leaders"
)
def list_escalations(
    request: HttpRequest, department_id: int | None = Query(None, ge=1, le=MAX_ID), limit: int = 200
) -> list[dict]:
    return queries.escalations(_actor(request), department_id=department_id, limit=limit)
