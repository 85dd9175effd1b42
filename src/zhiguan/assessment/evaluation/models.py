"""Evaluation schemes (考评方案) and published monthly rankings (月度考评通报).

A published ranking is frozen: its figures and the ids of the cases behind every figure are stored
when it is published, so later changes to cases never change it; a correction is a new version of
the same month with its reason. Rows are never updated (written only by `evaluation.services`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class EvaluationScheme(TenantModel):
    """One version of the district's scorecard: items (indicator, weight, transform), grades, minimum sample."""

    version = models.PositiveIntegerField()
    valid_from = models.DateField(help_text="first month (day 1) the version applies to")
    items = models.JSONField()
    grades = models.JSONField()
    min_sample = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    created_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_by_label = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "version"], name="evaluation_scheme_version_unique"
            )
        ]


class PublishedRanking(TenantModel):
    """A month's ranking as published (通报): version 1, then one version per correction."""

    month = models.DateField()
    version = models.PositiveIntegerField()
    scheme = models.ForeignKey(EvaluationScheme, on_delete=models.PROTECT, related_name="+")
    data_as_of = models.DateTimeField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    published_by_label = models.CharField(max_length=128)
    reason = models.TextField(blank=True)
    rows = models.JSONField()
    roles = models.JSONField(default=dict)
    # {department id: {measure code: [case ids]}, "handling_days": {department id: [[case id, days]]}}
    cases = models.JSONField()

    class Meta:
        verbose_name = _("published ranking")
        verbose_name_plural = _("published rankings")
        ordering = ["-month", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "month", "version"], name="evaluation_ranking_version_unique"
            )
        ]
