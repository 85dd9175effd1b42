"""The case (案卷) and everything that hangs off it; routing rules."""

from zhiguan.cases.models.case import (
    CallbackResult,
    Case,
    CaseAttachment,
    CaseCounter,
    CaseEvent,
    CaseIdempotencyKey,
    CaseReporter,
    Channel,
    RequestType,
    Urgency,
    WarningLevel,
)
from zhiguan.cases.models.routing import RoutingRule, RuleTarget
from zhiguan.cases.models.work import CaseDeadline, CaseExtension, CaseReturn, CaseSuspension, CaseTask

__all__ = [
    "CallbackResult",
    "Case",
    "CaseAttachment",
    "CaseCounter",
    "CaseDeadline",
    "CaseEvent",
    "CaseExtension",
    "CaseIdempotencyKey",
    "CaseReporter",
    "CaseReturn",
    "CaseSuspension",
    "CaseTask",
    "Channel",
    "RequestType",
    "RoutingRule",
    "RuleTarget",
    "Urgency",
    "WarningLevel",
]
