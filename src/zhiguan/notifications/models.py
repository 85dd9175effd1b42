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
