"""Model versions of the request classifier, per jurisdiction, and the administrator's threshold.

A version is an artefact on disk (`path`, under VAR_DIR) with what it was trained on and how it
scored (`summary`); at most one version of a jurisdiction is active. Versions are never edited
after training: activating, rolling back and the threshold are audited changes (services).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel

DEFAULT_THRESHOLD = 0.4  # Signalen hands anything under 40% to a person


class ModelState(models.TextChoices):
    TRAINING = "training", _("Training")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class ModelVersion(TenantModel):
    version = models.PositiveIntegerField(_("version"))
    state = models.CharField(
        _("state"), max_length=16, choices=ModelState.choices, default=ModelState.TRAINING
    )
    active = models.BooleanField(_("active"), default=False)
    source = models.CharField(_("training data"), max_length=32, default="cases")
    path = models.CharField(max_length=255, blank=True, default="")
    # rows, rows per label, cross-validated figures of the category and department models.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("classification model version")
        verbose_name_plural = _("classification model versions")
        ordering = ["jurisdiction", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "version"], name="classifier_version_unique"),
            models.UniqueConstraint(
                fields=["jurisdiction"], condition=models.Q(active=True), name="classifier_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} ({self.state})"


class ClassifierSettings(TenantModel):
    threshold = models.FloatField(_("confidence threshold"), default=DEFAULT_THRESHOLD)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("classifier settings")
        verbose_name_plural = _("classifier settings")
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="classifier_settings_unique")]
