"""The video database (视频资源库): devices (DVR/NVR/encoders/platforms) and cameras (their channels).

Both carry their GB/T 28181 20-digit code (`zhiguan.video.codes`). A camera stands at a point
(`geo.Located`) and sees a sector (direction, field of view, range) kept as a WGS-84 polygon with its
box (`registries.Shaped`), computed from the point and the optics (`zhiguan.video.coverage`). Online
state comes from heartbeats (`zhiguan.video.services.record_heartbeats`) and never changes the
registry's change token: the in-memory index of sectors reads it live (decision 073).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhiguan.geo.models import Located
from zhiguan.registries.models import RegistryHistory, RegistryRecord, Shaped


class CameraKind(models.TextChoices):
    BULLET = "bullet", _("bullet camera")  # 枪机
    DOME = "dome", _("PTZ dome camera")  # 球机
    MINI_DOME = "mini_dome", _("mini dome camera")  # 半球
    PANORAMIC = "panoramic", _("panoramic camera")  # 全景
    OTHER = "other", _("other camera")  # 其他


def _owner_scope(actor: Any, scope: str, field: str = "owner") -> models.Q:
    """A department (tree) sees and manages what it owns; the jurisdiction and "only self" see all."""
    from zhiguan.org.models import DataScope

    if scope in (DataScope.JURISDICTION, DataScope.SELF):
        return models.Q()
    dept = getattr(actor, "department", None)
    if dept is None:
        return models.Q(pk__in=[])
    if scope == DataScope.DEPARTMENT_TREE:
        return models.Q(**{f"{field}__path__startswith": dept.path})
    return models.Q(**{f"{field}_id": dept.pk})


class VideoDevice(RegistryRecord):
    """A DVR, NVR, encoder or video platform: the box a camera's channel is recorded through."""

    code = models.CharField(_("GB/T 28181 code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    ip = models.CharField(_("IP address"), max_length=64, blank=True)
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    owner = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner department")
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    # Demo and training set-ups have no GB/T 28181 platform to send keepalives: the platform
    # sends this device's (and its online cameras') itself, so they do not all go offline.
    simulated = models.BooleanField(_("simulated keepalives"), default=False)
    history = HistoricalRecords(
        bases=[RegistryHistory], excluded_fields=["last_heartbeat_at", "online", "simulated"]
    )

    class Meta:
        verbose_name = _("video device")
        verbose_name_plural = _("video devices")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="video_device_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def data_scope_q(actor: Any, scope: str) -> models.Q:
        return _owner_scope(actor, scope)


class Camera(RegistryRecord, Located, Shaped):
    """A camera (a channel of a device, or an IP camera registering by itself) and what it sees."""

    code = models.CharField(_("GB/T 28181 code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    device = models.ForeignKey(
        VideoDevice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cameras",
        verbose_name=_("device"),
    )
    height_m = models.FloatField(_("mounting height (m)"), null=True, blank=True)
    direction = models.FloatField(_("direction (° clockwise from north)"), default=0)
    fov = models.FloatField(_("field of view (°)"), default=60)
    range_m = models.FloatField(_("range (m)"), default=80)
    kind = models.CharField(_("type"), max_length=16, choices=CameraKind.choices, default=CameraKind.BULLET)
    ptz = models.BooleanField(_("PTZ"), default=False)
    owner = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner department")
    )
    # Stored, never proxied, shown only to who may see streams, never exported (decision 073).
    stream_url = models.CharField(_("stream address"), max_length=500, blank=True)
    last_heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    online = models.BooleanField(_("online"), default=False)
    simulated = models.BooleanField(_("simulated keepalives"), default=False)  # as VideoDevice.simulated
    history = HistoricalRecords(
        bases=[RegistryHistory], excluded_fields=["last_heartbeat_at", "online", "simulated"]
    )

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="video_camera_code_unique")
        ]
        indexes = [models.Index(fields=["jurisdiction", "min_lng", "min_lat"], name="video_camera_box")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @staticmethod
    def data_scope_q(actor: Any, scope: str) -> models.Q:
        return _owner_scope(actor, scope)

    def fill_coverage(self) -> None:
        """The sector polygon and its box from the point and the optics (before every save)."""
        from zhiguan.video.coverage import sector_wkb

        if self.lng is None or self.lat is None:
            return
        self.geometry, (self.min_lng, self.min_lat, self.max_lng, self.max_lat) = sector_wkb(
            self.lng, self.lat, self.direction, self.fov, self.range_m, self.ptz
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields is None or {"lng", "lat", "direction", "fov", "range_m", "ptz"} & set(fields):
            self.fill_coverage()
            if fields is not None:
                kwargs["update_fields"] = {*fields, "geometry", "min_lng", "min_lat", "max_lng", "max_lat"}
        super().save(*args, **kwargs)
