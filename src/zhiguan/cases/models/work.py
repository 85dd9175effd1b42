"""Work on a case: department tasks (lead and co-handlers), stage deadlines, returns, extensions, suspensions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.cases.models.case import Case


class TaskRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    CO = "co", _("Co-handler")


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for acceptance")
    ACCEPTED = "accepted", _("Accepted")
    REPLIED = "replied", _("Replied")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


# A task still owed: not yet accepted, or accepted and not replied. A closed case has none.
OPEN_TASK_STATUSES = (TaskStatus.PENDING, TaskStatus.ACCEPTED)


class CaseTask(models.Model):
    """One department's share of a case (协办: the lead and each co-handler have their own)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=TaskRole.choices)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    assigned_at = models.DateTimeField()
    accept_due = models.DateTimeField(null=True)
    handle_due = models.DateTimeField(null=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True)
    accept_late = models.BooleanField(default=False)
    reply_late = models.BooleanField(default=False)

    class Meta:
        ordering = ["case", "role", "id"]
        indexes = [
            models.Index(fields=["department", "status"], name="case_task_dept_idx"),
            # The month's tasks of every department (evaluation).
            models.Index(fields=["assigned_at"], name="case_task_assigned_idx"),
        ]


class Stage(models.TextChoices):
    ACCEPT = "accept", _("Acceptance")
    HANDLE = "handle", _("Handling")
    CALLBACK = "callback", _("Callback")


class CaseDeadline(models.Model):
    """The deadline of one stage: when it started, when it is due and why, and whether it was met.

    A stage that starts again (rework, reopen, redispatch) gets a new row; the old one keeps its
    outcome for evaluation. `active` marks the row the clock runs on.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    explanation = models.TextField(blank=True)
    warnings = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    met = models.BooleanField(null=True)

    class Meta:
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["active", "due_at"], name="case_deadline_active_idx")]


class CaseReturn(models.Model):
    """A department returned the case (退回); the dispatcher judged whether the return was justified."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="returns")
    department = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    returned_at = models.DateTimeField()
    judged_at = models.DateTimeField(null=True, blank=True)
    justified = models.BooleanField(null=True)
    # "dispatcher" when the return was justified (wrong dispatch), "department" when it was not.
    counted_against = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["case", "id"]


class CaseExtension(models.Model):
    """A request to extend the handling deadline and its decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveIntegerField()
    reason = models.TextField()
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True)

    class Meta:
        ordering = ["case", "id"]


class CaseSuspension(models.Model):
    """A suspension (挂起): requested, approved (the clock stops), resumed (the deadline moves)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.TextField()
    requested_at = models.DateTimeField()
    approved = models.BooleanField(null=True)
    started_at = models.DateTimeField(null=True, blank=True)
    resumed_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["case", "id"]
