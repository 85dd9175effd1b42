"""The parts every registry record shares, and the record of each import.

A registry model subclasses `RegistryRecord` (and `zhiguan.geo.models.Located` when it is a point)
and declares `history = HistoricalRecords(bases=[RegistryHistory], ...)` (django-simple-history,
decision 068): every save writes a historical row with who, when, the kind of change and where it
came from (`history_source`: "import:<batch id>", "api", "console", "demo").
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class RegistryRecord(TenantModel):
    """Base of every registry record. Removal is retirement: the row and its history stay."""

    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True, db_index=True)
    retired_reason = models.CharField(_("reason for retirement"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True

    @property
    def active(self) -> bool:
        return self.retired_at is None


class RegistryHistory(models.Model):
    """Extra columns of every historical table: which import or API call made the change."""

    history_source = models.CharField(_("source of the change"), max_length=64, blank=True, default="")

    class Meta:
        abstract = True


class ImportMode(models.TextChoices):
    PARTIAL = "partial", _("valid rows in, bad rows reported")
    ATOMIC = "atomic", _("all or nothing")


class ImportStatus(models.TextChoices):
    DONE = "done", _("done")
    PARTIAL = "partial", _("done, some rows refused")
    REFUSED = "refused", _("refused, nothing changed")


class ImportBatch(TenantModel):
    """One import of one file into one registry: who, when, which file, what it changed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registry = models.CharField(_("registry"), max_length=32, db_index=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_format = models.CharField(_("format"), max_length=8)  # xlsx, csv, geojson
    crs = models.CharField(_("coordinate system"), max_length=8)
    mode = models.CharField(_("mode"), max_length=8, choices=ImportMode.choices)
    status = models.CharField(_("status"), max_length=8, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    # [{"line", "column", "header", "code", "message"}], the row report as data
    errors = models.JSONField(_("row report"), default=list)
    # What the report of refused rows needs: the file's headers in order, and each refused row's
    # line and original cells ([{"line": 7, "cells": [...]}]).
    headers = models.JSONField(_("file headers"), default=list, blank=True)
    refused_rows = models.JSONField(_("refused rows"), default=list, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_label = models.CharField(max_length=150, blank=True)  # the person or machine client, as shown
    at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-at"]


class Shaped(models.Model):
    """Mixin for records with a line or polygon: WGS-84 WKB (as geo.Area) and its bounding box.

    The box answers "what lies in this map view" with an indexed range query on both databases;
    the exact test then runs in shapely on the few rows it lets through.
    """

    geometry = models.BinaryField(_("geometry (WGS-84 WKB)"))
    min_lng = models.FloatField()
    min_lat = models.FloatField()
    max_lng = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        abstract = True


class RegistryVersion(TenantModel):
    """A token replaced whenever a registry of a jurisdiction changes (as geo.AreaSetVersion).

    In-memory indexes (the geocoder's, the cameras' view sectors) are kept per app server keyed by
    this token, so a change on one server invalidates the indexes on all of them.
    """

    registry = models.CharField(max_length=32)
    token = models.CharField(max_length=32, default="")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "registry"], name="registries_version_unique")
        ]
