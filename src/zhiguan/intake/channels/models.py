"""What the machine channels tell us, kept beside the case they produced.

Each row is the channel's own record (a call, a camera or drone event, an alarm) with its external
id unique per district, so a repeated post finds the row and its case instead of making another.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class CallState(models.TextChoices):
    ACTIVE = "active", _("In progress")
    ENDED = "ended", _("Ended")


class CallSession(TenantModel):
    """One call on a hotline, as the telephony bridge reported it (started, then ended)."""

    call_id = models.CharField(_("call id"), max_length=64)
    line = models.CharField(_("line"), max_length=32)
    caller = models.CharField(_("caller number"), max_length=20)
    agent_extension = models.CharField(_("agent extension"), max_length=16, blank=True)
    recording_ref = models.CharField(_("recording reference"), max_length=255, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=CallState.choices, default=CallState.ACTIVE)
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="+", verbose_name=_("cases"))

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "call_id"], name="call_id_unique")]
        indexes = [
            models.Index(fields=["jurisdiction", "agent_extension", "state"], name="call_agent_idx"),
        ]


class EventSource(models.TextChoices):
    VIDEO = "video", _("Video analytics")
    DRONE = "drone", _("Drone")
    ALARM = "alarm", _("Sensor alarm")


class EventTypeMapping(TenantModel):
    """An administrator's table: which category a video, drone or alarm event type becomes."""

    source = models.CharField(_("source"), max_length=8, choices=EventSource.choices)
    event_type = models.CharField(_("event type"), max_length=64)
    category = models.ForeignKey("taxonomy.Category", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("event type mapping")
        verbose_name_plural = _("event type mappings")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "source", "event_type"], name="event_type_mapping_unique"
            )
        ]


class VideoEvent(TenantModel):
    """An event from camera analytics or drone imagery and the case it became."""

    source = models.CharField(_("source"), max_length=8, choices=EventSource.choices)
    event_id = models.CharField(_("event id"), max_length=64)
    event_type = models.CharField(_("event type"), max_length=64)
    camera = models.ForeignKey(
        "video.Camera", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drone_id = models.CharField(_("drone"), max_length=64, blank=True)
    flight_id = models.CharField(_("flight"), max_length=64, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    snapshot_url = models.URLField(_("snapshot address"), max_length=500, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("video event")
        verbose_name_plural = _("video events")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "source", "event_id"], name="video_event_unique")
        ]


class AlarmState(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLEARED = "cleared", _("Cleared")


class Alarm(TenantModel):
    """A sensor or smart-module alarm and its one case; updates and the clearing land on the same row."""

    alarm_id = models.CharField(_("alarm id"), max_length=64)
    device_id = models.CharField(_("device"), max_length=64)
    alarm_type = models.CharField(_("alarm type"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"))
    state = models.CharField(_("state"), max_length=8, choices=AlarmState.choices, default=AlarmState.ACTIVE)
    occurred_at = models.DateTimeField(_("time"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("alarm")
        verbose_name_plural = _("alarms")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "alarm_id"], name="alarm_id_unique")]
        indexes = [
            models.Index(fields=["jurisdiction", "device_id", "-occurred_at"], name="alarm_device_idx")
        ]
