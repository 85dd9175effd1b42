"""HTTP API of supervision (督办), mounted under /api/v1/cases/supervision/: parse, call, return."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from zhiguan.cases import queries, supervision
from zhiguan.cases.models import SupervisionNotice
from zhiguan.cases.schemas import BoardRowOut, NoticeAnswerIn, NoticeFilterIn, NoticeIn, NoticeOut
from zhiguan.schemas import MAX_ID

router = Router(tags=["supervision"])


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
def list_notices(request: HttpRequest, filters: Query[NoticeFilterIn], limit: int = 200) -> list[dict]:
    qs = queries.notices(request.auth, queries.NoticeFilter(**filters.dict()))
    return [notice_out(n) for n in qs[: max(1, min(limit, 500))]]


@router.post("/notices", response={201: NoticeOut}, summary="Issue a supervision notice to a department")
def issue_notice(request: HttpRequest, payload: NoticeIn) -> Status:
    notice = supervision.issue_notice(actor=request.auth, **payload.dict())
    return Status(201, notice_out(queries.get_notice(request.auth, notice.pk)))


@router.get("/notices/{notice_id}", response=NoticeOut)
def get_notice(request: HttpRequest, notice_id: int) -> dict:
    return notice_out(queries.get_notice(request.auth, notice_id))


@router.post("/notices/{notice_id}/answer", response=NoticeOut, summary="The department answers a notice")
def answer_notice(request: HttpRequest, notice_id: int, payload: NoticeAnswerIn) -> dict:
    notice = supervision.answer_notice(actor=request.auth, notice_id=notice_id, text=payload.text)
    return notice_out(queries.get_notice(request.auth, notice.pk))


@router.get(
    "/board",
    response=list[BoardRowOut],
    summary="Per department: yellow and red open cases, open and overdue notices",
)
def board(request: HttpRequest) -> list[dict]:
    return queries.supervision_board(request.auth)


class EscalationOut(Schema):
    case_number: str
    case_status: str
    stage: str
    department_id: int | None
    department_name: str | None
    leader_name: str | None
    due_at: datetime
    escalated_at: datetime


@router.get(
    "/escalations", response=list[EscalationOut], summary="Overdue stages escalated to department leaders"
)
def list_escalations(
    request: HttpRequest, department_id: int | None = Query(None, ge=1, le=MAX_ID), limit: int = 200
) -> list[dict]:
    return supervision.escalations(actor=request.auth, department_id=department_id, limit=limit)
