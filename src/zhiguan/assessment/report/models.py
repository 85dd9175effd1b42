"""A generated monthly report: for whom, which month, its state and its two files (PDF and HTML)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiguan.org.models import DataScope
from zhiguan.tenancy.models import TenantModel

if TYPE_CHECKING:
    from zhiguan.org.permissions import Actor


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be generated")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Report ready")
    FAILED = "failed", _("Generation failed")


class ReportKind(models.TextChoices):
    ON_REQUEST = "on_request", _("Generated on request")
    SCHEDULED = "scheduled", _("Monthly delivery")


class MonthlyReport(TenantModel):
    """One month's report for one reader. Its figures are the reader's scope at generation time:
    a reader with the whole jurisdiction shares the reports with everyone else who sees it whole;
    a narrower reader sees only the reports made for them."""

    month = models.DateField(_("month"))
    owner = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reader"),
    )
    # True: the figures cover the whole jurisdiction (anyone who sees it whole may read the report).
    whole = models.BooleanField(default=True)
    scope_label = models.CharField(_("scope"), max_length=160, blank=True)
    kind = models.CharField(max_length=12, choices=ReportKind.choices, default=ReportKind.ON_REQUEST)
    status = models.CharField(
        _("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    error = models.CharField(max_length=255, blank=True)
    total = models.PositiveIntegerField(_("requests in the month"), null=True, blank=True)
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    html = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    seconds = models.FloatField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One scheduled delivery per reader and month, however often the periodic task runs.
            models.UniqueConstraint(
                fields=["owner", "month"], condition=Q(kind="scheduled"), name="report_one_delivery"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.scope_label}"

    @classmethod
    def data_scope_q(cls, actor: Actor, scope: str) -> Q:
        if scope == DataScope.JURISDICTION:
            return Q(whole=True) | Q(owner_id=actor.user.pk if actor.user else None)
        if actor.user is None:
            return Q(pk__in=[])
        return Q(owner_id=actor.user.pk)
