"""An integrated system of a jurisdiction, the signed requests it sent (replays refused), and the
outbox of status callbacks to it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class SystemKind(models.TextChoices):
    POLICE_110 = "police_110", _("110 social linkage")
    ENVIRONMENT = "environment", _("Smart environment")
    DIGITAL_CITY = "digital_city", _("Digital city management")
    ENFORCEMENT = "enforcement", _("City-management law enforcement")
    WORK_SAFETY = "work_safety", _("Work safety")
    PETITIONS = "petitions", _("Petitions")


class ExternalSystem(TenantModel):
    """One system that sends us events and is told of every status change of the cases it sent.

    `mapping` is data an administrator edits: `fields` (their field path → ours), `categories`
    (their category code → our category code), `statuses` (their status → ours; read backwards for
    the callbacks). It is checked by `mapping.clean` whenever it is saved.
    """

    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=SystemKind.choices)
    inbound_secret = models.CharField(_("inbound secret"), max_length=128)
    callback_url = models.URLField(_("callback URL"), max_length=512, blank=True)
    callback_secret = models.CharField(_("callback secret"), max_length=128, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    mapping = models.JSONField(_("field mapping"), default=dict)
    # The dispatcher's account the system's status updates act as (docs/decisions/085): the workflow
    # moves a case only for a person holding the row's role, so an administrator names whose.
    acting_user = models.ForeignKey(
        "org.User",
        verbose_name=_("acts as"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="system_code_unique"),
        ]
        ordering = ["jurisdiction", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InboundNonce(models.Model):
    """A signed request already accepted: the same signature again within the window is a replay."""

    system = models.ForeignKey(ExternalSystem, on_delete=models.CASCADE, related_name="+")
    signature = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["system", "signature"], name="system_nonce_unique"),
        ]


class CallbackState(models.TextChoices):
    PENDING = "pending", _("Waiting for delivery")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead letter")


class Callback(models.Model):
    """One status change to tell the originating system: written in the change's transaction,
    delivered at least once with its `idempotency_key`, dead after `SYSTEMS_MAX_ATTEMPTS`."""

    system = models.ForeignKey(ExternalSystem, on_delete=models.PROTECT, related_name="callbacks")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey("cases.CaseEvent", on_delete=models.PROTECT, related_name="+")
    idempotency_key = models.CharField(max_length=64, unique=True)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=16, choices=CallbackState.choices, default=CallbackState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A worker holds the row while it delivers; a worker that died leaves a lease that expires.
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    last_http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    replays = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="callback_due_idx"),
            models.Index(fields=["system", "state", "-id"], name="callback_system_state_idx"),
        ]


class InboundStatusOutcome(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ALREADY = "already", _("Already in that status")
    NO_TRANSITION = "no_transition", _("No move leads there from the case's status")
    NO_ACTING_USER = "no_acting_user", _("No account to act as")
    REFUSED = "refused", _("Refused by the workflow")


class InboundStatus(models.Model):
    """A status update a system sent about a case it sent us, and what became of it: applied
    through the workflow, or kept for the dispatcher with the reason it was not."""

    system = models.ForeignKey(ExternalSystem, on_delete=models.CASCADE, related_name="status_updates")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    their_status = models.CharField(max_length=64)
    our_status = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32, blank=True)
    note = models.CharField(max_length=500, blank=True)
    outcome = models.CharField(max_length=16, choices=InboundStatusOutcome.choices)
    detail = models.CharField(max_length=255, blank=True)
    from_status = models.CharField(max_length=32)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["system", "-id"], name="inbound_status_system_idx")]
