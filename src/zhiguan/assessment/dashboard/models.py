"""The dashboard's rollups and its change counter (decision 090).

Every rollup row is keyed by the day the cases were *registered* on (local date): a case's
registration time never changes, so every change of a case — its status, street, department,
warning level, callback — only ever touches the rows of that one day, and `rollups.rebuild_day`
recomputes those rows from the cases themselves. A row is therefore always a pure function of
the cases registered that day, whatever happened before.
"""

from __future__ import annotations

from django.db import models

from zhiguan.tenancy.models import TenantModel


class DayFlow(TenantModel):
    """Cases registered on one day in one community, per channel and request type (the flow tiles)."""

    day = models.DateField()
    street_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=16)
    request_type = models.CharField(max_length=16)
    registered = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    merged = models.PositiveIntegerField(default=0)
    cohandled = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "day", "street_id"], name="dash_flow_day_idx")]


class DayTotal(TenantModel):
    """Cases registered on one day in one street (the district's and streets' trend lines)."""

    day = models.DateField()
    street_id = models.IntegerField(null=True)
    registered = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "day", "street_id"], name="dash_total_day_idx")]


class DayArea(TenantModel):
    """Cases registered on one day in one grid (with its community and street): the map, the area
    list and a community's trend line."""

    day = models.DateField()
    street_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    grid_id = models.IntegerField(null=True)
    registered = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "day"], name="dash_area_day_idx")]


class DayStock(TenantModel):
    """Open cases registered on one day, per grid, lead department and warning level.

    Read only one day at a time: it is what `OpenNow` is moved by when that day is rebuilt.
    """

    day = models.DateField()
    street_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    grid_id = models.IntegerField(null=True)
    department_id = models.IntegerField(null=True)
    warning_level = models.CharField(max_length=8)
    open = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "day"], name="dash_stock_day_idx")]


class OpenNow(TenantModel):
    """Open cases now, per grid, lead department and warning level: the sum of `DayStock` over all
    days, kept equal to it by applying each rebuilt day's difference in the same transaction."""

    street_id = models.IntegerField(null=True)
    community_id = models.IntegerField(null=True)
    grid_id = models.IntegerField(null=True)
    department_id = models.IntegerField(null=True)
    warning_level = models.CharField(max_length=8)
    open = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["jurisdiction", "street_id"], name="dash_open_street_idx")]


class DashboardVersion(TenantModel):
    """A counter raised after every committed change of a case: the snapshot's `version`.

    Open screens compare it with the version they show; a screen that reconnects sends its
    version and hears at once when it missed a change. Raised with an UPDATE … SET n = n + 1, so
    concurrent changes on several app servers never lose a step.
    """

    n = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="dash_version_unique")]
