"""Domain errors of the case workflow, each with a stable code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiguan.errors import Conflict, Forbidden, InvalidInput


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This action is not possible in the case's current status.")


class NotYourTask(Forbidden):
    code = "not_your_task"
    default_message = _("This case is not assigned to your department for this step.")


class GuardFailed(Conflict):
    code = "precondition_failed"
    default_message = _("The case is not ready for this action.")


class ExtensionLimit(InvalidInput):
    code = "extension_limit"
    default_message = _("The extension goes past the allowed limit.")
