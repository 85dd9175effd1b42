"""Monthly reports: requesting one, generating it (data → HTML → PDF, stored), the monthly delivery."""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.assessment.report import data, render
from zhiguan.assessment.report.models import MonthlyReport, ReportKind, ReportStatus
from zhiguan.audit import services as audit
from zhiguan.org.models import DataScope, User
from zhiguan.org.permissions import Actor, require

logger = logging.getLogger(__name__)
LEADER_ROLE = "leader"


def build(actor: Actor, month: date) -> tuple[dict[str, Any], str, bytes]:
    """The month's figures for `actor`, the report as HTML and as PDF (nothing stored)."""
    figures = data.gather(actor, month)
    page = render.html(figures, jurisdiction_id=actor.jurisdiction.pk)
    return figures, page, render.pdf(page)


def _reader(report: MonthlyReport) -> Actor | None:
    if report.owner_id is None:
        return Actor.system(report.jurisdiction)
    return Actor.for_user(User.objects.select_related("department", "jurisdiction").get(pk=report.owner_id))


def _new(actor: Actor, month: date, kind: str) -> MonthlyReport:
    report = MonthlyReport.objects.create(
        jurisdiction_id=actor.jurisdiction.pk,
        month=month,
        owner=actor.user,
        whole=actor.scope_for(data.VIEW) == DataScope.JURISDICTION,
        scope_label=data.scope_label(actor),
        kind=kind,
    )
    audit.record(
        actor=actor,
        action="report.requested",
        target=report,
        after={"month": f"{month:%Y-%m}", "kind": kind},
        jurisdiction_id=actor.jurisdiction.pk,
    )
    return report


def request_monthly(*, actor: Actor, month: str) -> MonthlyReport:
    """Queue the month's report for the actor, over what they oversee (supervision.view); generated
    by the `report.generate` task after commit (in-process in the embedded set-up). 422 `bad_month`
    for a month not written YYYY-MM, `future_month` for one not begun."""
    require(actor, data.VIEW)
    require(actor, "case.view")
    first = data.parse_month(month)
    with transaction.atomic():
        report = _new(actor, first, ReportKind.ON_REQUEST)
        transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from zhiguan.assessment.report import tasks

    try:
        tasks.generate.delay(report_id)
    except Exception:  # the broker is down: the report stays queued, visible in the list
        logger.warning("report %s not handed to the task queue", report_id, exc_info=True)


def generate(*, report_id: int) -> MonthlyReport:
    """Generate a queued report: its figures as its reader's scope is now, both files stored.
    A failure is recorded on the report (status failed), never raised to the caller."""
    report = MonthlyReport.objects.select_related("jurisdiction").get(pk=report_id)
    if report.status == ReportStatus.DONE:
        return report
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING)
    started = time.perf_counter()
    try:
        actor = _reader(report)
        if actor is None or not (actor.can(data.VIEW) and actor.can("case.view")):
            raise PermissionError(_("The reader may no longer see supervision figures."))
        figures, page, pdf = build(actor, report.month)
        stem = f"zhiguan-report-{report.month:%Y-%m}-{report.pk}"
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.html.save(f"{stem}.html", ContentFile(page.encode("utf-8")), save=False)
        report.total = figures["totals"]["count"]
        report.status = ReportStatus.DONE
        report.error = ""
    except Exception as exc:
        logger.exception("monthly report %s failed", report.pk)
        report.status = ReportStatus.FAILED
        report.error = str(exc)[:255]
    report.seconds = round(time.perf_counter() - started, 2)
    report.finished_at = timezone.now()
    report.save(update_fields=["pdf", "html", "total", "status", "error", "seconds", "finished_at"])
    return report


def previous_month(today: date) -> date:
    return data.shift(today.replace(day=1), -1)


def deliver_monthly(*, today: date | None = None) -> int:
    """On the 1st: last month's report for every leader (role 领导), over what that leader oversees,
    and a text message with its download link. One delivery per leader and month however often this
    runs (a unique constraint); returns the messages queued."""
    from zhiguan.notifications.services import mobile_number, send_sms

    today = today or timezone.localdate()
    if today.day != 1:
        return 0
    month = previous_month(today)
    sent = 0
    leaders = (
        User.objects.filter(roles__code=LEADER_ROLE, is_active=True, jurisdiction__isnull=False)
        .select_related("jurisdiction", "department")
        .distinct()
        .order_by("pk")
    )
    for user in leaders:
        actor = Actor.for_user(user)
        if actor is None or not (actor.can(data.VIEW) and actor.can("case.view")):
            continue
        if MonthlyReport.objects.filter(owner=user, month=month, kind=ReportKind.SCHEDULED).exists():
            continue
        try:
            with transaction.atomic():
                report = _new(actor, month, ReportKind.SCHEDULED)
        except IntegrityError:  # another process delivered it meanwhile
            continue
        report = generate(report_id=report.pk)
        if report.status != ReportStatus.DONE:
            continue
        if mobile_number(user.mobile) is None:
            logger.info("leader %s has no mobile number: report %s not announced", user.pk, report.pk)
            continue
        link = f"{settings.ZHIGUAN_PUBLIC_URL}/api/v1/reports/{report.pk}/pdf"
        text = _(
            "%(name)s: the comprehensive analysis report for %(month)s is ready (%(total)s requests). Download: %(link)s"
        ) % {
            "name": user.full_name or user.username,
            "month": f"{month.year}-{month.month:02d}",
            "total": report.total,
            "link": link,
        }
        send_sms(jurisdiction=actor.jurisdiction, phone=user.mobile, text=text, purpose="monthly_report")
        sent += 1
    return sent
