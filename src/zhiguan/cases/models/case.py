"""The case itself, its reporters, attachments, timeline events and number counter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from zhiguan.appendonly import AppendOnlyModel
from zhiguan.cases.status import Status
from zhiguan.geo.models import Located
from zhiguan.org.models import DataScope
from zhiguan.org.permissions import Actor, ActorKind
from zhiguan.tenancy.models import TenantModel

if TYPE_CHECKING:
    from zhiguan.cases.models.work import CaseTask


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise")


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12345 hotline")
    DEPT_HOTLINE = "dept_hotline", _("Department hotline")
    WEB = "web", _("Web portal")
    APP = "app", _("Mobile app")
    WECHAT = "wechat", _("WeChat")
    INSPECTOR = "inspector", _("Field inspector")
    GRID = "grid", _("Grid worker")
    VIDEO = "video", _("Video event")
    DRONE = "drone", _("Drone")
    SENSOR = "sensor", _("Sensor alarm")
    SYSTEM = "system", _("Integrated system")
    OPEN311 = "open311", _("Open311")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class CallbackResult(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("On time")
    YELLOW = "yellow", _("Deadline near")
    RED = "red", _("Overdue")


class Case(TenantModel, Located):  # type: ignore[django-manager-missing]
    """A case (案卷): one request worked from registration to callback. Changed only by `services.perform`."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    request_type = models.CharField(_("request type"), max_length=16, choices=RequestType.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    external_ref = models.CharField(_("external reference"), max_length=64, blank=True)
    category = models.ForeignKey("taxonomy.Category", on_delete=models.PROTECT, related_name="+")
    description = models.TextField(_("description"))
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.REGISTERED)
    version = models.PositiveIntegerField(default=1)
    warning_level = models.CharField(max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN)

    lead_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline_profile = models.ForeignKey(
        "taxonomy.DeadlineProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_rule = models.ForeignKey(
        "cases.RoutingRule", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_reason = models.CharField(max_length=255, blank=True)
    # The city component (城市部件) the case is about, if any (docs/decisions/074). Indexed by
    # `case_component_idx` (component, created_at, id): the component's case history.
    component = models.ForeignKey(
        "components.Component",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("city component"),
    )

    reported_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_by_client = models.ForeignKey(
        "org.ApiClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verifier = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    callback_result = models.CharField(max_length=24, blank=True)

    # Counted for evaluation (大考核).
    return_count = models.PositiveIntegerField(default=0)
    rework_count = models.PositiveIntegerField(default=0)
    reopen_count = models.PositiveIntegerField(default=0)
    extension_count = models.PositiveIntegerField(default=0)
    extension_days = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "channel", "external_ref"],
                condition=~Q(external_ref=""),
                name="case_external_ref_unique",
            )
        ]
        # The list's common filters, each followed by the keyset order (created_at, id), so a
        # filtered page is an index range scan (docs/decisions/034-case-performance.md).
        indexes = [
            # Idempotent intake looks a case up by its channel reference; the partial unique
            # constraint above is unusable for that under generic (parameterised) plans.
            models.Index(fields=["jurisdiction", "channel", "external_ref"], name="case_external_ref_idx"),
            models.Index(fields=["jurisdiction", "status", "created_at", "id"], name="case_status_idx"),
            models.Index(fields=["jurisdiction", "created_at", "id"], name="case_keyset_idx"),
            models.Index(fields=["status", "warning_level"], name="case_warning_idx"),
            models.Index(fields=["jurisdiction", "street", "created_at", "id"], name="case_street_idx"),
            models.Index(fields=["jurisdiction", "category", "created_at", "id"], name="case_category_idx"),
            models.Index(
                fields=["jurisdiction", "lead_department", "created_at", "id"], name="case_lead_dept_idx"
            ),
            models.Index(
                fields=["jurisdiction", "warning_level", "created_at", "id"], name="case_warning_list_idx"
            ),
            models.Index(fields=["component", "created_at", "id"], name="case_component_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @classmethod
    def data_scope_q(cls, actor: Actor, scope: str) -> Q:
        """Handlers see cases their department leads or co-handles; street staff the cases in their street."""
        from zhiguan.cases.models.work import CaseTask, TaskStatus

        if scope == DataScope.JURISDICTION:
            return Q()
        if scope == DataScope.SELF:
            # A citizen who proved to be the reporter (`intake.citizen`) acts on that one case only.
            if actor.kind == ActorKind.CITIZEN:
                return Q(pk=actor.record_id)
            if actor.user is None:
                return Q(pk__in=[])
            return Q(verifier_id=actor.user.pk) | Q(reported_by_id=actor.user.pk)
        dept = actor.department
        if dept is None:
            return Q(pk__in=[])
        if scope == DataScope.DEPARTMENT_TREE:
            tasks = CaseTask.objects.filter(case=OuterRef("pk"), department__path__startswith=dept.path)
        else:
            tasks = CaseTask.objects.filter(case=OuterRef("pk"), department_id=dept.pk)
        q = Q(lead_department_id=dept.pk) | Q(Exists(tasks.exclude(status=TaskStatus.CANCELLED)))
        if dept.kind == "street":
            q |= Q(street__code=dept.code)
        return q

    def lead_task(self) -> CaseTask | None:
        from zhiguan.cases.models.work import TaskRole, TaskStatus

        return self.tasks.filter(role=TaskRole.LEAD).exclude(status=TaskStatus.CANCELLED).first()


class CaseReporter(models.Model):
    """Who reported the case. Personal data: masked unless the viewer may reveal it (audited)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reporters")
    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)

    class Meta:
        ordering = ["id"]


class CaseEvent(AppendOnlyModel):
    """One step on the timeline. Appended in the same transaction as the change; never edited."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_client = models.ForeignKey("org.ApiClient", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=128)
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    note = models.TextField(blank=True)
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["case", "seq"]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq_unique")]


class CaseAttachment(TenantModel):
    """A file's metadata. Uploaded first (pending), then bound to a case and event by the step that uses it."""

    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to="cases/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Shown on the case's public page (a repair photo): set by the lead department's handler only
    # (`attachments.set_published`, audited); every other file stays internal.
    published = models.BooleanField(_("published"), default=False)

    class Meta:
        ordering = ["id"]


class CaseCounter(TenantModel):
    """The last sequence number given out per jurisdiction and day; locked while a number is taken."""

    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "day"], name="case_counter_day_unique")
        ]


class CaseIdempotencyKey(TenantModel):
    """An `Idempotency-Key` sent with a registration: the same sender's key with the same request
    returns the same case. Keys belong to their sender (`owner`: "user:<id>" or "client:<id>"), so
    nobody learns another's case through a shared key; `body_hash` tells a retry from a reuse."""

    owner = models.CharField(max_length=64, default="")
    key = models.CharField(max_length=128)
    body_hash = models.CharField(max_length=64, blank=True, default="")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "owner", "key"], name="case_idempotency_owner_key_unique"
            )
        ]
