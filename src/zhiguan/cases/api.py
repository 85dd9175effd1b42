"""HTTP API of cases: parse, call one service or query, return a schema."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictInt

from zhiguan.cases import (
    citizen,
    citizen_api,
    contracts,
    export,
    queries,
    registration,
    reporters,
    routing,
    services,
    stats_api,
    supervision_api,
)
from zhiguan.cases.contracts import ActionIn
from zhiguan.cases.models import Case, RoutingRule
from zhiguan.cases.schemas import (
    AttachmentOut,
    CallbackLinkOut,
    CaseIn,
    CaseListFilter,
    CaseOut,
    CasePage,
    CaseRevealIn,
    DryRunIn,
    EventOut,
    RouteOut,
    RuleIn,
    RuleOut,
)
from zhiguan.errors import InvalidInput
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import require, restrict
from zhiguan.org.services import mask_phone

router = Router(tags=["cases"])
# The case's version the client last saw (optimistic check): a stale one answers 409 conflict.
StrictVersion = Annotated[StrictInt | None, Field(None, ge=1)]
router.add_router("/supervision", supervision_api.router)
router.add_router("/public", citizen_api.router)
router.add_router("/stats", stats_api.router)


def _summary(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "status": case.status,
        "version": case.version,
        "request_type": case.request_type,
        "channel": case.channel,
        "urgency": case.urgency,
        "warning_level": case.warning_level,
        "category_id": case.category_id,
        "category_name": str(case.category),
        "lead_department_id": case.lead_department_id,
        "lead_department_name": case.lead_department.name if case.lead_department else None,
        "street_id": case.street_id,
        "grid_id": case.grid_id,
        "address": case.address,
        "description": case.description,
        "created_at": case.created_at,
        "lng": case.lng,
        "lat": case.lat,
        "next_due_at": getattr(case, "next_due_at", None),
    }


def _case_out(request: HttpRequest, case: Case) -> dict[str, Any]:
    """The case in full; its reporters, tasks and deadlines are read once (or known in memory)."""
    queries.prefetch_detail(case)
    rule = case.routing_rule
    return {
        **_summary(case),
        "external_ref": case.external_ref,
        "community_id": case.community_id,
        "h3_r9": case.h3_r9,
        "routing_rule_id": rule.pk if rule else None,
        "routing_rule_version": rule.version if rule else None,
        "routing_reason": case.routing_reason,
        "callback_result": case.callback_result,
        "merged_into": case.merged_into.number if case.merged_into_id else None,
        "return_count": case.return_count,
        "rework_count": case.rework_count,
        "reopen_count": case.reopen_count,
        "extension_count": case.extension_count,
        "extension_days": case.extension_days,
        "closed_at": case.closed_at,
        "reporters": [
            {
                "name": reporters.mask_name(r.name),
                "phone": mask_phone(r.phone) if r.phone else "",
                "id_number": reporters.mask_id_number(r.id_number),
            }
            for r in case.reporters.all()
        ],
        "tasks": [
            {
                "department_id": t.department_id,
                "department_name": t.department.name,
                "role": t.role,
                "status": t.status,
                "accept_due": t.accept_due,
                "handle_due": t.handle_due,
                "accepted_at": t.accepted_at,
                "replied_at": t.replied_at,
                "reply": t.reply,
                "accept_late": t.accept_late,
                "reply_late": t.reply_late,
            }
            for t in case.tasks.all()
        ],
        "deadlines": [
            {
                "stage": d.stage,
                "started_at": d.started_at,
                "due_at": d.due_at,
                "explanation": d.explanation,
                "warnings": d.warnings,
                "active": d.active,
                "paused_at": d.paused_at,
                "completed_at": d.completed_at,
                "met": d.met,
            }
            for d in case.deadlines.all()
        ],
        "allowed_actions": services.allowed_actions(actor=request.auth, case=case),
    }


@router.post(
    "",
    response={200: CaseOut, 201: CaseOut},
    summary="Register a case (idempotent by channel + external_ref or Idempotency-Key)",
)
def create_case(request: HttpRequest, payload: CaseIn) -> Status:
    data = payload.dict()
    data["reporters"] = [dict(r) for r in data["reporters"]]
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > 128:
        raise InvalidInput(_("The idempotency key is too long."), field="Idempotency-Key")
    actor = request.auth
    case, created = services.register(actor=actor, idempotency_key=key, **data)
    if not (created and actor.can("case.view") and actor.scope_for("case.view") == DataScope.JURISDICTION):
        # A narrower scope (an inspector sees only their own cases) is checked by reading it back.
        case = queries.get_case(actor, case.number)
    elif created:
        # Just registered: no tasks and no deadlines yet.
        registration.remember_related(case, tasks=[], deadlines=[])
    return Status(201 if created else 200, _case_out(request, case))


@router.get("", response=CasePage, summary="Cases, newest first, keyset-paginated, with the total count")
def list_cases(
    request: HttpRequest,
    filters: Query[CaseListFilter],
    cursor: str | None = None,
    limit: int = 50,
    reporter_phone: str | None = None,
) -> dict:
    """`reporter_phone` (the intake console's "this caller's earlier cases"): the newest `limit` cases
    one of whose reporters has exactly this number, without paging; needs `case.reveal`."""
    f = queries.CaseFilter(**filters.dict())
    if reporter_phone is not None:
        return _by_reporter_phone(request, f, reporter_phone, limit)
    result = queries.page(request.auth, f, cursor=cursor, limit=limit)
    return {**result, "items": [_summary(c) for c in result["items"]]}


def _by_reporter_phone(request: HttpRequest, f: queries.CaseFilter, phone: str, limit: int) -> dict:
    require(request.auth, "case.reveal")
    phone = phone.strip()
    if not phone.replace("-", "").isdigit() or len(phone) > 20:
        raise InvalidInput(_("Not a valid phone number."), field="reporter_phone")
    qs = queries.filtered(request.auth, f).filter(reporters__phone=phone).distinct()
    rows = qs.select_related("category", "lead_department").order_by("-created_at", "-id")
    items = list(rows[: max(1, min(limit, 200))])
    return {"items": [_summary(c) for c in items], "total": qs.count(), "next_cursor": None}


@router.get("/export", summary="The filtered list as CSV or Excel (no personal data)")
def export_cases(request: HttpRequest, filters: Query[CaseListFilter], format: str = "csv") -> HttpResponse:
    require(request.auth, "case.export")
    f = queries.CaseFilter(**filters.dict())
    if format == "xlsx":
        body = export.as_xlsx(request.auth, f)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif format == "csv":
        body, content_type = export.as_csv(request.auth, f), "text/csv; charset=utf-8"
    else:
        raise InvalidInput(_("Export as csv or xlsx."), field="format", allowed=["csv", "xlsx"])
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="cases.{format}"'
    return response


@router.post(
    "/attachments", response={201: AttachmentOut}, summary="Upload a file (bound later to a case step)"
)
def upload_attachment(request: HttpRequest, file: File[UploadedFile]) -> Status:
    return Status(201, services.upload_attachment(actor=request.auth, upload=file))


@router.get("/attachments/{attachment_id}", summary="Download a file of a case you may see (404 otherwise)")
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = queries.get_attachment(request.auth, attachment_id)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _route_out(r: routing.Route) -> dict[str, Any]:
    return {
        "lead_department_id": r.lead.pk if r.lead else None,
        "lead_department_name": r.lead.name if r.lead else None,
        "co_handler_ids": [d.pk for d in r.co_handlers],
        "rule_id": r.rule.pk if r.rule else None,
        "rule_key": r.rule.key if r.rule else None,
        "rule_version": r.rule.version if r.rule else None,
        "reason": r.reason,
    }


@router.post("/routing/dry-run", response=RouteOut, summary="Where would this case go, and by which rule")
def routing_dry_run(request: HttpRequest, payload: DryRunIn) -> dict:
    return _route_out(routing.dry_run(actor=request.auth, **payload.dict()))


@router.get("/routing/rules", response=list[RuleOut], summary="Current routing rules in order")
def list_rules(request: HttpRequest, include_history: bool = False) -> object:
    qs = restrict(request.auth, RoutingRule.objects.all(), "routing.view")
    if not include_history:
        qs = qs.filter(current=True)
    return list(qs.order_by("position", "key", "version"))


@router.post("/routing/rules", response={201: RuleOut})
def create_rule(request: HttpRequest, payload: RuleIn) -> Status:
    return Status(201, routing.create_rule(actor=request.auth, **payload.dict()))


@router.put("/routing/rules/{key}", response=RuleOut, summary="Revise a rule (adds a version)")
def revise_rule(request: HttpRequest, key: int, payload: RuleIn) -> object:
    return routing.revise_rule(actor=request.auth, key=key, **payload.dict())


@router.get("/{number}", response=CaseOut)
def get_case(request: HttpRequest, number: str) -> dict:
    return _case_out(request, queries.get_case(request.auth, number))


@router.get("/{number}/timeline", response=list[EventOut])
def timeline(request: HttpRequest, number: str) -> list[dict]:
    case = queries.get_case(request.auth, number)
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor_label,
            "role": e.role,
            "action": e.action,
            "from_status": e.from_status,
            "to_status": e.to_status,
            "note": e.note,
            "payload": e.payload,
            "attachment_ids": [a.pk for a in e.attachments.all()],
            "attachments": [
                {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size}
                for a in e.attachments.all()
            ],
        }
        for e in case.events.prefetch_related("attachments").order_by("seq")
    ]


@router.get("/{number}/allowed-actions", response=list[str], summary="The actions this actor may perform now")
def allowed_actions(request: HttpRequest, number: str) -> list[str]:
    return services.allowed_actions(actor=request.auth, case=queries.get_case(request.auth, number))


def _action_operation(action: str, contract: type[ActionIn]) -> None:
    """`POST /cases/{number}/actions/<action>`: its body is the action's contract plus `expected_version`."""
    body = type(
        f"{''.join(p.title() for p in action.split('_'))}Body",
        (contract,),
        {"__annotations__": {"expected_version": StrictVersion}, "expected_version": None},
    )

    def operation(request: HttpRequest, number: str, payload: Any) -> dict:
        data = payload.model_dump()
        version = data.pop("expected_version")
        case = queries.get_case(request.auth, number)
        case = services.perform(
            actor=request.auth, case_id=case.pk, action=action, expected_version=version, **data
        )
        return _case_out(request, case)

    operation.__name__ = f"perform_{action}"
    # Resolved here, not from the (postponed) annotation text: each action has its own body class.
    operation.__annotations__ = {"request": HttpRequest, "number": str, "payload": body, "return": dict}
    router.post(
        f"/{{number}}/actions/{action}",
        response=CaseOut,
        summary=f"Workflow action: {action}",
        operation_id=f"case_action_{action}",
        tags=["case actions"],
    )(operation)


for _action, _contract in contracts.INPUTS.items():
    _action_operation(_action, _contract)


@router.post("/{number}/actions/{action}", response=CaseOut, include_in_schema=False)
def unknown_action(request: HttpRequest, number: str, action: str) -> dict:
    """A name that is no workflow action: the same 422 `unknown_action` as the service gives."""
    queries.get_case(request.auth, number)
    raise InvalidInput(_("Unknown action."), code="unknown_action", action=action)


@router.post(
    "/{number}/reporters/reveal", response=list[dict], summary="Reveal reporters' personal data (audited)"
)
def reveal_reporters(request: HttpRequest, number: str, payload: CaseRevealIn) -> list[dict]:
    return services.reveal_reporters(actor=request.auth, number=number, reason=payload.reason)


@router.post(
    "/{number}/callback-link",
    response=CallbackLinkOut,
    summary="The signed link token with which the reporter rates the closed case (audited)",
)
def callback_link(request: HttpRequest, number: str) -> dict:
    return {"token": citizen.issue_callback_link(actor=request.auth, number=number)}
