"""The outbox: every SMS the platform sends, with its delivery state (kept, sent or failed)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # The `outbox` backend: stored here for the record, nothing leaves the installation.
    KEPT = "kept", _("Kept in the outbox")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(TenantModel):
    """One text message to one phone; written in the sender's transaction, delivered after commit."""

    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    # Why it was sent ("case_registered", "case_closed"): stable codes, for counting and support.
    purpose = models.CharField(_("purpose"), max_length=32)
    status = models.CharField(
        _("status"), max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    backend = models.CharField(_("backend"), max_length=16, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outbox_status_idx")]

    def __str__(self) -> str:
        # No phone number here: this text is what the audit log shows.
        return f"{self.purpose} #{self.pk}"


class NoticeStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    KEPT = "kept", _("Kept in the outbox")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    # The citizen asked for no more notices on this channel: recorded, nothing sent.
    OPTED_OUT = "opted_out", _("Opted out")


class CitizenNotice(TenantModel):
    """One notice to one citizen about one of their cases (receipt, progress, rating link, answer),
    through one adapter (`notifications.citizen`). `key` makes it idempotent: one notice per case
    and state, never twice, whoever asks for it and however often."""

    key = models.CharField(_("key"), max_length=96)
    # The case, by id and number: notifications is a foundation app and knows no case model.
    case_id = models.BigIntegerField(_("case"), null=True, blank=True, db_index=True)
    case_number = models.CharField(_("case number"), max_length=32, blank=True)
    purpose = models.CharField(_("purpose"), max_length=32)
    # The adapter that carries it: outbox, sms or wechat.
    channel = models.CharField(_("channel"), max_length=16)
    # A mobile number for SMS, an OpenID for WeChat.
    address = models.CharField(_("address"), max_length=64, blank=True)
    text = models.TextField(_("text"))
    data = models.JSONField(_("data"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    sms = models.ForeignKey(OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("citizen notice")
        verbose_name_plural = _("citizen notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "key"], name="citizen_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class CitizenOptOut(TenantModel):
    """A citizen who asked for no notices on one channel (a WeChat user's 退订 or unsubscribe, a
    caller's request on the hotline)."""

    channel = models.CharField(_("channel"), max_length=16)
    address = models.CharField(_("address"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice opt-out")
        verbose_name_plural = _("notice opt-outs")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "channel", "address"], name="citizen_opt_out_once"
            ),
        ]
