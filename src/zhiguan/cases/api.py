"""HTTP API of cases: parse, call one service or query, return a schema."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field, StrictInt

from zhiguan import exports
from zhiguan.cases import (
    contracts,
    queries,
    reporters,
    routing,
    services,
)
from zhiguan.cases.contracts import ActionIn
from zhiguan.cases.filters import CaseFilter
from zhiguan.cases.models import Case
from zhiguan.cases.schemas import (
    AreaCountOut,
    AttachmentOut,
    CaseIn,
    CaseOut,
    CasePage,
    CaseRevealIn,
    CategoryCountOut,
    ComponentChangeIn,
    ComponentHistoryOut,
    DispatchPreviewOut,
    DryRunIn,
    EventOut,
    RecurringComponentOut,
    RecurringParams,
    RouteOut,
    RouteSuggestionOut,
    RuleIn,
    RuleOrderIn,
    RuleOut,
    RuleRetireIn,
    StatusCountOut,
    SuggestionParams,
)
from zhiguan.errors import InvalidInput
from zhiguan.org.auth import ActorRequest
from zhiguan.org.permissions import require
from zhiguan.org.services import mask_phone
from zhiguan.schemas import MAX_ID
from zhiguan.workdays.calendar import Deadline

router = Router(tags=["cases"])
# The case's version the client last saw (optimistic check): a stale one answers 409 conflict.
StrictVersion = Annotated[StrictInt | None, Field(None, ge=1)]


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


def _case_out(request: ActorRequest, case: Case) -> dict[str, Any]:
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
        "merged_into": case.merged_into.number if case.merged_into is not None else None,
        "return_count": case.return_count,
        "rework_count": case.rework_count,
        "reopen_count": case.reopen_count,
        "extension_count": case.extension_count,
        "extension_days": case.extension_days,
        "closed_at": case.closed_at,
        "verifier_id": case.verifier_id,
        "verifier_name": str(case.verifier) if case.verifier_id else None,
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
        "component": _component_brief(case.component) if case.component_id else None,
    }


def _component_brief(component: Any) -> dict[str, Any]:
    return {
        "id": component.pk,
        "code": component.code,
        "name": component.name,
        "type_name": component.category.name,
        "owner_id": component.owner_id,
        "owner_name": component.owner.name,
        "state": component.state,
        "state_label": component.get_state_display(),
        "retired": component.retired_at is not None,
        "lng": component.lng,
        "lat": component.lat,
    }


@router.get(
    "/components/recurring",
    response=list[RecurringComponentOut],
    summary="City components with repeated problems: at least min_cases cases in the last days days",
)
def recurring_components(request: ActorRequest, params: Query[RecurringParams]) -> list[dict]:
    rows = queries.recurring_components(request.auth, days=params.days, min_cases=params.min_cases)
    return [
        {
            "component": _component_brief(r.component),
            "count": r.count,
            "open_count": r.open_count,
            "last_case_number": r.last_case.number,
            "last_case_at": r.last_case.created_at,
            "last_case_status": r.last_case.status,
        }
        for r in rows
    ]


@router.get(
    "/components/{component_id}/history",
    response=ComponentHistoryOut,
    summary="The cases about one city component, newest first, with status and outcome",
)
def component_history(request: ActorRequest, component_id: int) -> dict:
    h = queries.component_history(request.auth, component_id)
    return {
        "component": _component_brief(h.component),
        "recent": h.recent,
        "recurring": h.recurring,
        "days": queries.RECURRING_DAYS,
        "min_cases": queries.RECURRING_MIN_CASES,
        "items": [
            {
                "number": c.number,
                "status": c.status,
                "status_label": c.get_status_display(),
                "category_name": c.category.name,
                "lead_department_name": c.lead_department.name if c.lead_department else None,
                "description": c.description[:200],
                "created_at": c.created_at,
                "closed_at": c.closed_at,
                "callback_result": c.callback_result,
            }
            for c in h.cases
        ],
    }


@router.post(
    "/{number}/component",
    response=CaseOut,
    summary="Name, change or clear the city component an open case is about (on the timeline)",
)
def set_component(request: ActorRequest, number: str, payload: ComponentChangeIn) -> dict:
    case = queries.get_case(request.auth, number)
    services.set_component(
        actor=request.auth, case_id=case.pk, component=payload.component, note=payload.note
    )
    return _case_out(request, queries.get_case(request.auth, number))


@router.post(
    "",
    response={200: CaseOut, 201: CaseOut},
    summary="Register a case (idempotent by channel + external_ref or Idempotency-Key)",
)
def create_case(request: ActorRequest, payload: CaseIn) -> Status:
    data = payload.dict()
    data["reporters"] = [dict(r) for r in data["reporters"]]
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > 128:
        raise InvalidInput(_("The idempotency key is too long."), field="Idempotency-Key")
    actor = request.auth
    case, created = services.register(actor=actor, idempotency_key=key, **data)
    case = queries.registered_view(actor, case, created=created)
    return Status(201 if created else 200, _case_out(request, case))


@router.get("", response=CasePage, summary="Cases, newest first, keyset-paginated, with the total count")
def list_cases(
    request: ActorRequest,
    filters: Query[CaseFilter],
    cursor: str | None = Query(None, max_length=200),
    limit: int = 50,
    reporter_phone: str | None = Query(None, max_length=20),
    reporter_id_number: str | None = Query(None, max_length=18),
    reason: str = Query("", max_length=255),
) -> dict:
    """`reporter_phone` / `reporter_id_number` (the intake console's "this caller's earlier cases"):
    the newest `limit` cases of that reporter, without paging; needs `case.reveal` and is audited."""
    if reporter_phone is not None or reporter_id_number is not None:
        items, total = reporters.search_by_reporter(
            actor=request.auth,
            f=filters,
            phone=reporter_phone,
            id_number=reporter_id_number,
            reason=reason,
            limit=limit,
        )
        return {"items": [_summary(c) for c in items], "total": total, "next_cursor": None}
    result = queries.page(request.auth, filters, cursor=cursor, limit=limit)
    return {**result, "items": [_summary(c) for c in result["items"]]}


@router.get("/export", summary="The filtered list as CSV or Excel (no personal data)")
def export_cases(
    request: ActorRequest, filters: Query[CaseFilter], format: Literal["csv", "xlsx"] = "csv"
) -> HttpResponse:
    require(request.auth, "case.export")
    return exports.response(
        format,
        filename="cases",
        header=queries.export_header(),
        rows=queries.export_rows(request.auth, filters),
        sheet=_("Cases"),
    )


@router.post(
    "/attachments", response={201: AttachmentOut}, summary="Upload a file (bound later to a case step)"
)
def upload_attachment(request: ActorRequest, file: File[UploadedFile]) -> Status:
    return Status(201, services.upload_attachment(actor=request.auth, upload=file))


@router.get("/attachments/{attachment_id}", summary="Download a file of a case you may see (404 otherwise)")
def download_attachment(request: ActorRequest, attachment_id: int) -> FileResponse:
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


@router.post(
    "/routing/dry-run",
    response=RouteOut,
    summary="Where would this case go, by which rule, and which conditions held or failed",
)
def routing_dry_run(request: ActorRequest, payload: DryRunIn) -> dict:
    data = payload.dict()
    r = routing.dry_run(actor=request.auth, **data)
    return {
        **_route_out(r),
        "street_id": r.case.street_id if r.case else None,
        "community_id": r.case.community_id if r.case else None,
        "grid_id": r.case.grid_id if r.case else None,
        "trials": [
            {
                "rule_key": t.rule.key,
                "rule_version": t.rule.version,
                "name": t.rule.name,
                "position": t.rule.position,
                "lead_department_name": (
                    t.rule.lead_department.name
                    if t.rule.lead_department
                    else _("the component's owner department")
                ),
                "held": t.held,
                "failed": t.failed,
            }
            for t in r.trials
        ],
    }


@router.get("/routing/rules", response=list[RuleOut], summary="Current routing rules in order")
def list_rules(request: ActorRequest, include_history: bool = False) -> object:
    return list(queries.routing_rules(request.auth, include_history=include_history))


@router.post("/routing/rules", response={201: RuleOut})
def create_rule(request: ActorRequest, payload: RuleIn) -> Status:
    return Status(201, routing.create_rule(actor=request.auth, **payload.dict()))


@router.post(
    "/routing/rules/order",
    response=list[RuleOut],
    summary="Put every current rule in this order (first tried first), all or nothing",
)
def reorder_rules(request: ActorRequest, payload: RuleOrderIn) -> object:
    return routing.reorder_rules(actor=request.auth, keys=payload.keys)


@router.put("/routing/rules/{key}", response=RuleOut, summary="Revise a rule (adds a version)")
def revise_rule(request: ActorRequest, key: int, payload: RuleIn) -> object:
    return routing.revise_rule(actor=request.auth, key=key, **payload.dict())


@router.post("/routing/rules/{key}/retire", response=RuleOut, summary="Retire a rule (no longer tried)")
def retire_rule(request: ActorRequest, key: int, payload: RuleRetireIn) -> object:
    return routing.set_rule_retired(actor=request.auth, key=key, retired=True, reason=payload.reason)


@router.post("/routing/rules/{key}/restore", response=RuleOut, summary="Restore a retired rule")
def restore_rule(request: ActorRequest, key: int, payload: RuleRetireIn) -> object:
    return routing.set_rule_retired(actor=request.auth, key=key, retired=False, reason=payload.reason)


def _suggestion_out(case: Case, r: routing.Route) -> dict[str, Any]:
    return {
        "number": case.number,
        "lead_department_id": r.lead.pk if r.lead else None,
        "lead_department_name": r.lead.name if r.lead else None,
        "rule_key": r.rule.key if r.rule else None,
        "rule_name": r.rule.name if r.rule else None,
        "reason": r.reason,
    }


@router.get(
    "/routing/suggestions",
    response=list[RouteSuggestionOut],
    summary="Where the rules would send these cases now (the dispatch queue's suggestions)",
)
def routing_suggestions(request: ActorRequest, params: Query[SuggestionParams]) -> list[dict[str, Any]]:
    return [_suggestion_out(c, r) for c, r in queries.dispatch_suggestions(request.auth, params.number)]


def _stage_due(d: Deadline | None) -> dict[str, Any] | None:
    if d is None:
        return None
    hours = d.rule == "working_hours"
    return {
        "due_at": d.at,
        "rule": d.rule,
        "working_hours": d.amount.total_seconds() / 3600 if isinstance(d.amount, timedelta) else None,
        "working_days": d.amount if not hours and isinstance(d.amount, int) else None,
        "explanation": d.explanation,
        "warnings": [w.as_dict() for w in d.warnings],
    }


@router.get(
    "/{number}/dispatch-preview",
    response=DispatchPreviewOut,
    summary="The deadlines dispatching now would set (to this lead department, at this urgency)",
)
def dispatch_preview(
    request: ActorRequest,
    number: str,
    lead_department_id: int | None = Query(None, ge=1, le=MAX_ID),
    urgency: str | None = Query(None, max_length=16),
) -> dict[str, Any]:
    p = queries.dispatch_preview(request.auth, number, lead_department_id=lead_department_id, urgency=urgency)
    r = p.route
    return {
        **_suggestion_out(p.case, r),
        "urgency": p.case.urgency,
        "accept": _stage_due(p.accept),
        "handle": _stage_due(p.handle),
    }


@router.get("/{number}", response=CaseOut)
def get_case(request: ActorRequest, number: str) -> dict:
    return _case_out(request, queries.get_case(request.auth, number))


@router.get("/{number}/timeline", response=list[EventOut])
def timeline(request: ActorRequest, number: str) -> list[dict]:
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
                {
                    "id": a.pk,
                    "name": a.name,
                    "content_type": a.content_type,
                    "size": a.size,
                    "published": a.published,
                }
                for a in e.attachments.all()
            ],
        }
        for e in queries.timeline(case)
    ]


@router.get("/{number}/allowed-actions", response=list[str], summary="The actions this actor may perform now")
def allowed_actions(request: ActorRequest, number: str) -> list[str]:
    return services.allowed_actions(actor=request.auth, case=queries.get_case(request.auth, number))


def _action_operation(action: str, contract: type[ActionIn]) -> None:
    """`POST /cases/{number}/actions/<action>`: its body is the action's contract plus `expected_version`."""
    body = type(
        f"{''.join(p.title() for p in action.split('_'))}Body",
        (contract,),
        {"__annotations__": {"expected_version": StrictVersion}, "expected_version": None},
    )

    def operation(request: ActorRequest, number: str, payload: Any) -> dict:
        data = payload.model_dump()
        version = data.pop("expected_version")
        case = queries.get_case(request.auth, number)
        case = services.perform(
            actor=request.auth, case_id=case.pk, action=action, expected_version=version, **data
        )
        return _case_out(request, case)

    operation.__name__ = f"perform_{action}"
    # Resolved here, not from the (postponed) annotation text: each action has its own body class.
    operation.__annotations__ = {"request": ActorRequest, "number": str, "payload": body, "return": dict}
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
def unknown_action(request: ActorRequest, number: str, action: str) -> dict:
    """A name that is no workflow action: the same 422 `unknown_action` as the service gives."""
    queries.get_case(request.auth, number)
    raise InvalidInput(_("Unknown action."), code="unknown_action", action=action)


class VideoConfirmIn(contracts.DispatchIn):
    """视频确认: the camera looked at, then the dispatch's own fields."""

    camera_id: Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
    expected_version: StrictVersion = None


@router.post(
    "/{number}/video-confirm",
    response=CaseOut,
    summary="Confirm on a camera and dispatch at once (视频确认)",
    tags=["case actions"],
)
def video_confirm(request: ActorRequest, number: str, payload: VideoConfirmIn) -> dict:
    from zhiguan.cases import video

    case = queries.get_case(request.auth, number)
    case = video.video_confirm(
        actor=request.auth,
        case_id=case.pk,
        camera_id=payload.camera_id,
        note=payload.note,
        expected_version=payload.expected_version,
        lead_department_id=payload.lead_department_id,
        co_handler_ids=payload.co_handler_ids,
    )
    return _case_out(request, case)


@router.post(
    "/{number}/reporters/reveal", response=list[dict], summary="Reveal reporters' personal data (audited)"
)
def reveal_reporters(request: ActorRequest, number: str, payload: CaseRevealIn) -> list[dict]:
    return services.reveal_reporters(actor=request.auth, number=number, reason=payload.reason)


# -- counts for maps and boards: the same filters as the list ----------------------------------------


@router.get(
    "/stats/by-grid",
    response=list[AreaCountOut],
    summary="Cases per grid (map colouring), list filters apply",
)
def by_grid(request: ActorRequest, filters: Query[CaseFilter]) -> list[dict[str, Any]]:
    return queries.counts_by_area(request.auth, filters, "grid_id")


@router.get("/stats/by-street", response=list[AreaCountOut], summary="Cases per street, list filters apply")
def by_street(request: ActorRequest, filters: Query[CaseFilter]) -> list[dict[str, Any]]:
    return queries.counts_by_area(request.auth, filters, "street_id")


@router.get("/stats/by-status", response=list[StatusCountOut], summary="Cases per status, list filters apply")
def by_status(request: ActorRequest, filters: Query[CaseFilter]) -> list[dict[str, Any]]:
    return queries.counts_by_status(request.auth, filters)


@router.get(
    "/stats/by-category",
    response=list[CategoryCountOut],
    summary="Cases per category, rolled up to level 1 or 2 (list filters apply)",
)
def by_category(
    request: ActorRequest, filters: Query[CaseFilter], level: int = Query(1, ge=1, le=3)
) -> list[dict[str, Any]]:
    return queries.counts_by_category(request.auth, filters, level=level)
