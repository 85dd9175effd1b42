"""The append-only audit log: every write and every reveal of personal data."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.appendonly import AppendOnlyError, AppendOnlyModel
from zhiguan.tenancy.models import Jurisdiction

__all__ = ["AppendOnlyError", "AuditRecord"]


class AuditRecord(AppendOnlyModel):
    jurisdiction = models.ForeignKey(Jurisdiction, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor_user = models.ForeignKey("org.User", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_client = models.ForeignKey("org.ApiClient", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("who"), max_length=128)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True)
    after = models.JSONField(_("after"), null=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    ip = models.GenericIPAddressField(_("from address"), null=True)
    user_agent = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    class Meta:
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["jurisdiction", "object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.action} · {self.object_repr or self.object_id}"
