"""Supervision notices (督办单) and automatic escalations: the pressure put on departments about late cases.

The tables keep the names they had while these models lived in `cases` (decision 036): the move
was a change of owner in Django's state, not of data.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.cases.models import Case, CaseDeadline
from zhiguan.tenancy.models import TenantModel


class SupervisionLevel(models.TextChoices):
    GENERAL = "general", _("General supervision")  # 一般督办
    KEY = "key", _("Key supervision")  # 重点督办
    LISTED = "listed", _("Listed supervision")  # 挂牌督办


class SupervisionNotice(TenantModel):
    """A notice (督办单) to one department about one or more cases, to be answered by `due_at`.

    What evaluation counts (notices received per department, answered late or not at all) is stored
    here: department, issued_at, due_at, answered_at, answered_late. Changed only by
    `supervision.services`.
    """

    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    # Its table follows the model's: cases_supervisionnotice_cases.
    cases = models.ManyToManyField(Case, related_name="supervision_notices")
    level = models.CharField(_("level"), max_length=8, choices=SupervisionLevel.choices)
    text = models.TextField(_("text"))
    issued_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    issued_by_label = models.CharField(max_length=128)
    issued_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(_("answer due"))
    due_explanation = models.TextField(blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_late = models.BooleanField(default=False)
    # Set once by the sweep when the answer date passed without an answer.
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    scope_department_path = "department__path"

    class Meta:
        db_table = "cases_supervisionnotice"
        verbose_name = _("supervision notice")
        verbose_name_plural = _("supervision notices")
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "department", "answered_at"], name="supervision_dept_idx"),
            models.Index(fields=["answered_at", "due_at"], name="supervision_due_idx"),
        ]

    def __str__(self) -> str:
        return f"督办 #{self.pk}"


class CaseEscalation(models.Model):
    """A red stage escalated to the lead department's leader: at most one per stage deadline (unique)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    deadline = models.OneToOneField(CaseDeadline, on_delete=models.CASCADE, related_name="escalation")
    stage = models.CharField(max_length=12)
    department = models.ForeignKey("org.Department", null=True, on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "cases_caseescalation"
        ordering = ["case", "id"]
