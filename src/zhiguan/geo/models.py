"""Streets, communities and grids of a jurisdiction, and the `Located` mixin for records with a place.

Boundaries are stored as WGS-84 WKB (see docs/decisions/011-geo-boundaries-and-lookup.md): the
same bytes on SQLite and PostgreSQL, no spatial extension needed, loaded in bulk with
`shapely.from_wkb`. Spatial questions are answered in process by `zhiguan.geo.lookup`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiguan.geo.crs import BD09, GCJ02, WGS84
from zhiguan.tenancy.models import TenantModel


class AreaLevel(models.TextChoices):
    DISTRICT = "district", _("District")  # 区
    STREET = "street", _("Street")  # 街道
    COMMUNITY = "community", _("Community")  # 社区
    GRID = "grid", _("Grid")  # 网格


# Each level's parent level, innermost first: a community lies in a street, a grid in a community.
PARENT_LEVEL: dict[str, str | None] = {
    AreaLevel.DISTRICT: None,
    AreaLevel.STREET: AreaLevel.DISTRICT,
    AreaLevel.COMMUNITY: AreaLevel.STREET,
    AreaLevel.GRID: AreaLevel.COMMUNITY,
}


class SourceCrs(models.TextChoices):
    WGS84 = WGS84, "WGS-84"
    GCJ02 = GCJ02, "GCJ-02"
    BD09 = BD09, "BD-09"


class Area(TenantModel):
    """A district, street, community or grid with its boundary (WGS-84).

    Areas have no department: every person of the jurisdiction sees them all, whatever their
    data scope (`data_scope_q` below; see `zhiguan.org.permissions.scope_q`).
    """

    level = models.CharField(_("level"), max_length=16, choices=AreaLevel.choices)
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    boundary = models.BinaryField(_("boundary (WGS-84 WKB)"))
    centroid_lng = models.FloatField(_("centroid longitude"))
    centroid_lat = models.FloatField(_("centroid latitude"))
    area_m2 = models.FloatField(_("area (m²)"))
    source_crs = models.CharField(_("imported from"), max_length=8, choices=SourceCrs.choices)
    source = models.CharField(
        _("source"), max_length=255, blank=True, help_text=_("Where the shape came from, or 'generated'.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "level", "code"], name="geo_area_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @staticmethod
    def data_scope_q(actor: Any, scope: str) -> Q:
        # Every data scope, even "only self", sees the whole jurisdiction's geography: an
        # inspector must be able to locate a point in any grid.
        return Q()


class AreaSetVersion(TenantModel):
    """A token replaced whenever a jurisdiction's areas change.

    Every app server keeps its spatial index in memory keyed by this token, and reads the token
    from the database, so an import on one server invalidates the indexes on all of them. A
    random token rather than a counter: ids and counters can repeat after a rolled-back
    transaction, a UUID cannot.
    """

    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="geo_area_version_unique")]

    @staticmethod
    def new_token() -> str:
        return uuid.uuid4().hex


class Located(models.Model):
    """Mixin for records that happen somewhere (cases, inspections): point, address, areas, H3 cells.

    Filled by `zhiguan.geo.services.fill_location`. H3 resolutions are `settings.H3_RESOLUTIONS`.
    """

    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    street = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("street")
    )
    community = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("grid")
    )
    h3_r7 = models.CharField(max_length=15, blank=True, db_index=True)
    h3_r9 = models.CharField(max_length=15, blank=True, db_index=True)
    h3_r11 = models.CharField(max_length=15, blank=True, db_index=True)

    class Meta:
        abstract = True
