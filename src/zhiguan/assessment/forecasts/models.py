"""Forecast runs with their series, and early-warning alerts (预测预警).

A run is what one `services.refresh` computed for one frequency: a row per series (the district's
total, each level-1 category, each street) with the history it used, the forecast with its 80 %
interval, the model the back-test chose and the back-test scores of that model and of the two
baselines. Only the latest few runs per frequency are kept. An alert is one unusual rise of a
level-1 category in a street, with the cases behind it; a supervisor acknowledges it.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.org.models import DataScope
from zhiguan.tenancy.models import TenantModel


def _whole_jurisdiction_only(actor: Any, scope: str) -> models.Q:
    # District-wide aggregates: seen by those whose scope is the whole jurisdiction, by nobody narrower
    # (a department's or a person's scope cannot be cut out of a count of the district).
    return models.Q() if scope == DataScope.JURISDICTION else models.Q(pk__in=[])


class Freq(models.TextChoices):
    WEEK = "W", _("Weekly")
    MONTH = "M", _("Monthly")


class Dimension(models.TextChoices):
    TOTAL = "total", _("Whole district")
    CATEGORY = "category", _("Category (level 1)")
    STREET = "street", _("Street")


class ForecastRun(TenantModel):
    """One refresh of one frequency: when it was made and the last day of data it saw."""

    freq = models.CharField(max_length=1, choices=Freq.choices)
    horizon = models.PositiveSmallIntegerField()
    made_at = models.DateTimeField()
    data_as_of = models.DateField(help_text=_("The last day of the last complete period used."))
    seconds = models.FloatField(default=0.0)

    data_scope_q = staticmethod(_whole_jurisdiction_only)

    class Meta:
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "freq", "made_at"], name="forecast_run_idx")]


class ForecastSeries(TenantModel):
    """One series of a run: history, forecast with its 80 % band, the chosen model and its back-test."""

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="series")
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    # "total", or the category's / street's id as text
    key = models.CharField(max_length=32)
    name = models.CharField(max_length=64)
    model = models.CharField(max_length=16)
    mase = models.FloatField(null=True)
    mape = models.FloatField(null=True)
    snaive_mase = models.FloatField(null=True)
    snaive_mape = models.FloatField(null=True)
    wmean4_mase = models.FloatField(null=True)
    wmean4_mape = models.FloatField(null=True)
    beats_baseline = models.BooleanField(default=False)
    # [[date, count], ...]: the last 52 weeks / 24 months used
    history = models.JSONField(default=list)
    # [[date, forecast, lower, upper], ...]
    points = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0, help_text=_("Cases in the history shown."))

    data_scope_q = staticmethod(_whole_jurisdiction_only)

    class Meta:
        ordering = ["run", "dimension", "-total", "key"]
        constraints = [
            models.UniqueConstraint(fields=["run", "dimension", "key"], name="forecast_series_unique")
        ]


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class WarningAlert(TenantModel):
    """An unusual rise of one level-1 category in one street over the trailing week (warning.scan)."""

    category = models.ForeignKey("taxonomy.Category", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("geo.Area", on_delete=models.PROTECT, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    p_value = models.FloatField()
    status = models.CharField(max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    case_ids = models.JSONField(default=list)
    raised_at = models.DateTimeField()
    notified = models.PositiveSmallIntegerField(default=0, help_text=_("Supervisors sent a text message."))
    acknowledged_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    data_scope_q = staticmethod(_whole_jurisdiction_only)

    class Meta:
        ordering = ["-last_day", "-id"]
        indexes = [
            models.Index(fields=["jurisdiction", "status", "last_day"], name="forecast_alert_status_idx"),
            models.Index(fields=["jurisdiction", "category", "area"], name="forecast_alert_pair_idx"),
        ]

    def __str__(self) -> str:
        return f"预警 #{self.pk}"
