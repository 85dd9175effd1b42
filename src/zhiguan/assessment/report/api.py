"""HTTP API of the monthly comprehensive analysis report, at /api/v1/reports."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Status

from zhiguan.assessment.report import queries, services
from zhiguan.assessment.report.models import MonthlyReport, ReportStatus
from zhiguan.assessment.report.schemas import ReportMonthlyIn, ReportOut
from zhiguan.org.auth import ActorRequest

router = Router(tags=["reports"])
# The HTML preview is shown in the console's frame: same origin only, no scripts, nothing fetched.
PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


def _out(r: MonthlyReport) -> dict[str, Any]:
    done = r.status == ReportStatus.DONE
    return {
        "id": r.pk,
        "month": f"{r.month:%Y-%m}",
        "scope_label": r.scope_label,
        "kind": r.kind,
        "kind_label": str(r.get_kind_display()),
        "status": r.status,
        "status_label": str(r.get_status_display()),
        "error": r.error,
        "total": r.total,
        "owner_name": str(r.owner) if r.owner else None,
        "requested_at": r.requested_at,
        "finished_at": r.finished_at,
        "seconds": r.seconds,
        "pdf_url": f"/api/v1/reports/{r.pk}/pdf" if done else None,
        "html_url": f"/api/v1/reports/{r.pk}/html" if done else None,
    }


@router.post(
    "/monthly",
    response={202: ReportOut},
    summary="Generate the month's comprehensive analysis report (综合分析月报) over what you oversee",
)
def request_monthly(request: ActorRequest, body: ReportMonthlyIn) -> Status:
    report = services.request_monthly(actor=request.auth, month=body.month)
    report.refresh_from_db()
    return Status(202, _out(report))


@router.get("", response=list[ReportOut], summary="Monthly reports you may read, newest first")
def list_reports(request: ActorRequest) -> list[dict[str, Any]]:
    return [_out(r) for r in queries.reports(request.auth)]


def _file(request: HttpRequest, report: MonthlyReport, which: str) -> FileResponse:
    stored, name = queries.stored_file(report, which)
    inline = which == "html" or request.GET.get("inline") == "1"
    response = FileResponse(
        stored.open("rb"),
        as_attachment=not inline,
        filename=name,
        content_type="application/pdf" if which == "pdf" else "text/html; charset=utf-8",
    )
    response["X-Content-Type-Options"] = "nosniff"
    if which == "html":
        response["Content-Security-Policy"] = PREVIEW_POLICY
        response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@router.get("/{report_id}/pdf", summary="The report as PDF (A4)")
def download_pdf(request: ActorRequest, report_id: int) -> FileResponse:
    return _file(request, queries.report(request.auth, report_id), "pdf")


@router.get("/{report_id}/html", summary="The report as one HTML page (the console's preview)")
def download_html(request: ActorRequest, report_id: int) -> FileResponse:
    return _file(request, queries.report(request.auth, report_id), "html")
