"""The case's statuses and the workflow's role codes: imported by models, guards and the table alike.

Kept apart from `workflow.py` so that the models and the guards can name a status or a role
without importing the table (which imports the guards).
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ANSWERED = "answered", _("Answered at intake")
    REJECTED = "rejected", _("Not accepted")
    TO_DISPATCH = "to_dispatch", _("To dispatch")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned by the department")
    IN_PROGRESS = "in_progress", _("In progress")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    SUSPENSION_REQUESTED = "suspension_requested", _("Suspension requested")
    SUSPENDED = "suspended", _("Suspended")
    TO_VERIFY = "to_verify", _("Fed back, to verify")
    VERIFIED = "verified", _("Verified, to close")
    CLOSED = "closed", _("Closed")
    CALLBACK_DONE = "callback_done", _("Called back")
    MERGED = "merged", _("Merged as duplicate")


S = Status
OPEN_STATUSES = frozenset(
    {
        S.REGISTERED,
        S.TO_DISPATCH,
        S.DISPATCHED,
        S.RETURNED,
        S.IN_PROGRESS,
        S.EXTENSION_REQUESTED,
        S.SUSPENSION_REQUESTED,
        S.SUSPENDED,
        S.TO_VERIFY,
        S.VERIFIED,
    }
)
# While a department works the case, co-handlers accept and reply on their own tasks.
WORKING_STATUSES = (S.DISPATCHED, S.IN_PROGRESS, S.EXTENSION_REQUESTED, S.SUSPENSION_REQUESTED, S.SUSPENDED)


class Role(StrEnum):
    """The role codes the workflow table names (the built-in roles of `org.permissions`)."""

    OPERATOR = "intake_operator"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    HANDLER = "handler"
    INSPECTOR = "inspector"
    # Not a staff role: the reporter, acting as the permission module's citizen actor (`intake.citizen`).
    CITIZEN = "citizen"


DISPATCHING = (Role.DISPATCHER, Role.SUPERVISOR)
