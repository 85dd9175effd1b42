"""Routing rules: which department leads a case, by category × area and a few more conditions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class RuleTarget(models.TextChoices):
    DEPARTMENT = "department", _("the rule's department")
    COMPONENT_OWNER = "component_owner", _("the component's owner department")


class RoutingRule(TenantModel):
    """One version of a routing rule. Editing a rule adds a version row; old rows stay for the cases they routed.

    Empty conditions match everything. `position` orders the rules: the first match wins.
    """

    key = models.PositiveIntegerField(_("rule"))
    version = models.PositiveIntegerField(_("version"), default=1)
    current = models.BooleanField(default=True)
    retired = models.BooleanField(default=False)
    position = models.IntegerField(_("position"), default=100)
    name = models.CharField(_("name"), max_length=128)

    category = models.ForeignKey(
        "taxonomy.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey("geo.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    request_types = models.JSONField(default=list, blank=True)
    channels = models.JSONField(default=list, blank=True)
    urgencies = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    # A drawn area: a GeoJSON Polygon or MultiPolygon in WGS-84 (the case's stored point is WGS-84).
    polygon = models.JSONField(null=True, blank=True)
    # When the case was registered: "working" / "non_working" day (the jurisdiction's calendar),
    # inside or outside office time ("in" / "out"), and a time-of-day window that may wrap midnight.
    day_kind = models.CharField(max_length=12, blank=True)
    office_time = models.CharField(max_length=4, blank=True)
    time_from = models.TimeField(null=True, blank=True)
    time_to = models.TimeField(null=True, blank=True)

    # Who leads a matching case: the rule's department, or the owner (权属单位) of the component the
    # case is about (`target` "component_owner": `lead_department` is empty, and a case without a
    # component, or whose owner cannot lead or is not among `owner_ids` when set, falls through).
    target = models.CharField(
        _("target"), max_length=16, choices=RuleTarget.choices, default=RuleTarget.DEPARTMENT
    )
    owner_ids = models.JSONField(_("allowed owner departments"), default=list, blank=True)
    lead_department = models.ForeignKey(
        "org.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co_handler_ids = models.JSONField(default=list, blank=True)
    deadline_profile = models.ForeignKey(
        "taxonomy.DeadlineProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "key", "version"], name="routing_rule_version_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(target="component_owner") | models.Q(lead_department__isnull=False),
                name="routing_rule_has_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (#{self.key} v{self.version})"
