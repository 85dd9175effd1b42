"""Automatic merging of duplicates (docs/decisions/087): the district's setting and each merge the
platform made by itself, kept for review.

The setting is off by default; the administrator switches it on and sets the threshold (audited,
`services.set_auto_merge`). Every automatic merge leaves an `AutoMerge` row with the score and
reasons that decided it; a supervisor reviews it: kept (confirmed) or undone (the workflow's
`unmerge`). Rows are never deleted.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel

# High on purpose: a wrong automatic merge leaves a citizen's report unworked until someone
# notices; at 0.9 the hand-labelled pairs of decision 082 had no false duplicate.
DEFAULT_AUTO_THRESHOLD = 0.9
# Below this an automatic merge is not allowed at all (the F1-best threshold of decision 082 is 0.65).
MIN_AUTO_THRESHOLD = 0.7


class DuplicateSettings(TenantModel):
    auto_merge = models.BooleanField(_("merge automatically"), default=False)
    threshold = models.FloatField(_("automatic merge threshold"), default=DEFAULT_AUTO_THRESHOLD)
    updated_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("duplicate settings")
        verbose_name_plural = _("duplicate settings")
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="duplicate_settings_unique")]


class Outcome(models.TextChoices):
    PENDING = "pending", _("To review")
    KEPT = "kept", _("Kept")
    UNDONE = "undone", _("Undone")


class AutoMerge(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    score = models.FloatField(_("score"))
    threshold = models.FloatField(_("threshold"))
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    reviewed_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("automatic merge")
        verbose_name_plural = _("automatic merges")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "outcome", "created_at"], name="automerge_review_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}→{self.target_id}"
