"""Reads of monthly reports, through the data scope: a narrow reader sees only their own reports."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from zhiguan.assessment.report.data import VIEW
from zhiguan.assessment.report.models import MonthlyReport, ReportStatus
from zhiguan.errors import Conflict
from zhiguan.org.permissions import Actor, get_or_404, restrict

LIST_LIMIT = 60


def reports(actor: Actor) -> QuerySet[MonthlyReport]:
    return restrict(actor, MonthlyReport.objects.select_related("owner"), VIEW)[:LIST_LIMIT]


def report(actor: Actor, report_id: int) -> MonthlyReport:
    """One report the actor may read, or 404."""
    return get_or_404(actor, MonthlyReport.objects.select_related("owner"), VIEW, pk=report_id)


def stored_file(report: MonthlyReport, which: str) -> tuple[FieldFile, str]:
    """The report's PDF or HTML and its download name; 409 `report_not_ready` until it is generated."""
    stored = report.pdf if which == "pdf" else report.html
    if report.status != ReportStatus.DONE or not stored:
        raise Conflict(_("The report is not ready yet."), code="report_not_ready")
    return stored, f"综合分析月报-{report.month:%Y-%m}.{which}"
