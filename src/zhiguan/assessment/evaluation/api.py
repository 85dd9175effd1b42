"""HTTP API of department evaluation (考评), at /api/v1/evaluation/."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Status

from zhiguan.assessment.evaluation import exports, queries, services
from zhiguan.assessment.evaluation.schemas import (
    EvaluationDrillOut,
    EvaluationDrillParams,
    EvaluationExportParams,
    EvaluationIndicatorOut,
    EvaluationMonthOut,
    EvaluationMonthParams,
    EvaluationPublishIn,
    EvaluationSchemeIn,
    EvaluationSchemeOut,
    EvaluationSchemesOut,
)
from zhiguan.org.auth import ActorRequest

router = Router(tags=["evaluation"])


@router.get(
    "/indicators", response=list[EvaluationIndicatorOut], summary="Every indicator and its definition"
)
def indicators(request: ActorRequest) -> list[dict[str, Any]]:
    return queries.indicators(request.auth)


@router.get(
    "/schemes", response=EvaluationSchemesOut, summary="The scheme versions (考评方案) and the built-in one"
)
def schemes(request: ActorRequest) -> dict[str, Any]:
    return queries.schemes(request.auth)


@router.post(
    "/schemes", response={201: EvaluationSchemeOut}, summary="A new scheme version valid from a month"
)
def set_scheme(request: ActorRequest, payload: EvaluationSchemeIn) -> Status:
    data = payload.dict()
    items = [{k: v for k, v in i.items() if v is not None} for i in data.pop("items")]
    given = data.pop("grades")
    grades = [[g["letter"], g["floor"]] for g in given] if given is not None else None
    scheme = services.set_scheme(actor=request.auth, items=items, grades=grades, **data)
    return Status(
        201,
        {
            **services.scheme_dict(scheme),
            "created_by": scheme.created_by_label,
            "created_at": scheme.created_at,
        },
    )


@router.get(
    "/months/{month}", response=EvaluationMonthOut, summary="A month's ranking: as published, or live"
)
def month_view(request: ActorRequest, month: str, params: Query[EvaluationMonthParams]) -> dict[str, Any]:
    return queries.month_view(request.auth, month=month, **params.dict())


@router.get("/months/{month}/cases", response=EvaluationDrillOut, summary="The cases behind one figure")
def drill(request: ActorRequest, month: str, params: Query[EvaluationDrillParams]) -> dict[str, Any]:
    return queries.drill(request.auth, month=month, **params.dict())


@router.post(
    "/months/{month}/publish",
    response={201: EvaluationMonthOut},
    summary="Publish (通报) the month: freezes it; a second publication is a correction with its reason",
)
def publish(request: ActorRequest, month: str, payload: EvaluationPublishIn) -> Status:
    ranking = services.publish(actor=request.auth, month=month, reason=payload.reason)
    return Status(201, queries.month_view(request.auth, month=month, version=ranking.version))


@router.get(
    "/months/{month}/export",
    summary="The ranking for the wall: Excel or PDF, with the filters and the data-as-of time",
    openapi_extra={"responses": {200: {"description": "xlsx or pdf", "content": {"application/pdf": {}}}}},
)
def export(request: ActorRequest, month: str, params: Query[EvaluationExportParams]) -> HttpResponse:
    p = params.dict()
    fmt = p.pop("format")
    view = queries.month_view(request.auth, month=month, **p)
    filters = exports.filters_text(version=p.get("version"), live=p.get("live", False))
    name = request.auth.jurisdiction.name
    if fmt == "pdf":
        body, ctype = exports.as_pdf(view, jurisdiction_name=name, filters=filters), "application/pdf"
    else:
        body, ctype = exports.as_xlsx(view, jurisdiction_name=name, filters=filters), exports.XLSX_TYPE
    resp = HttpResponse(body, content_type=ctype)
    resp["Content-Disposition"] = f'attachment; filename="evaluation-{view["month"][:7]}.{fmt}"'
    return resp
