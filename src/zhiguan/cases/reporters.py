"""Reporters' personal data: masked in every view, revealed only with a reason (audited)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases.models import Case
from zhiguan.errors import InvalidInput
from zhiguan.org.permissions import Actor, get_or_404, require


def mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def mask_id_number(value: str) -> str:
    return value[:3] + "*" * (len(value) - 7) + value[-4:] if len(value) > 7 else "*" * len(value)


@transaction.atomic
def reveal_reporters(*, actor: Actor, number: str, reason: str) -> list[dict[str, str]]:
    """The reporters' unmasked data for a role allowed to see it; every reveal is audited with its reason."""
    require(actor, "case.reveal")
    if not reason.strip():
        raise InvalidInput(_("Say why you need to see this."), field="reason")
    case = get_or_404(actor, Case.objects.all(), "case.view", number=number)
    people = [{"name": r.name, "phone": r.phone, "id_number": r.id_number} for r in case.reporters.all()]
    audit.record(
        actor=actor,
        action="case.reporters_revealed",
        target=case,
        after={"fields": ["name", "phone", "id_number"], "count": len(people)},
        note=reason.strip(),
    )
    return people
