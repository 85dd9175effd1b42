"""Per-jurisdiction additions to the national holiday table, office hours and the calendar's cache token."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


def default_periods() -> list[list[str]]:
    return [["08:30", "12:00"], ["13:30", "17:30"]]


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off (holiday)")
    WORKDAY = "workday", _("Working day (adjusted, 调休)")


class HolidayOverride(TenantModel):
    """One day whose status differs from the library (or that the library does not know yet).

    Administrators enter the State Council's table for next year here each autumn, and local changes.
    """

    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=OverrideKind.choices)
    name = models.CharField(_("holiday name"), max_length=64, blank=True, help_text=_("For example 春节."))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "date"], name="holiday_override_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class YearTable(TenantModel):
    """An administrator's declaration that a year's holiday table is complete in the overrides.

    A year counts as known when the library knows it or when it is declared here; every other year
    falls back to weekends only, with a warning on every deadline that reaches into it.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    declared_at = models.DateTimeField(auto_now_add=True)
    declared_by = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("declared by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("declared holiday table")
        verbose_name_plural = _("declared holiday tables")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="year_table_year_unique")
        ]

    def __str__(self) -> str:
        return str(self.year)


class OfficeHours(TenantModel):
    """The periods of a working day when the offices work (Asia/Shanghai wall-clock time)."""

    periods = models.JSONField(
        _("periods"), default=default_periods, help_text=_('For example [["08:30", "12:00"]].')
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction"], name="office_hours_jurisdiction_unique")
        ]

    def __str__(self) -> str:
        return ", ".join(f"{a}–{b}" for a, b in self.periods)


class CalendarVersion(TenantModel):
    """A random token replaced by every calendar write; app servers compare it to their cached copy.

    Random rather than a counter so that a recreated jurisdiction (or a rolled-back test) can never
    meet a stale cache entry carrying the same number.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction"], name="calendar_version_jurisdiction_unique")
        ]
