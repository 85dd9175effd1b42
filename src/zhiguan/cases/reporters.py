"""Reporters' personal data: masked in every view; revealed, or searched for, only with an audit record."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import queries, registration
from zhiguan.cases.filters import CaseFilter
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


def search_by_reporter(
    *,
    actor: Actor,
    f: CaseFilter,
    phone: str | None = None,
    id_number: str | None = None,
    reason: str = "",
    limit: int = 50,
) -> tuple[list[Case], int]:
    """The newest `limit` cases (and their count) one of whose reporters has exactly this phone or ID
    number, within the filter and the actor's scope. Needs `case.reveal`; every search is audited like
    a reveal (who searched for whom, and why when given), whether or not it finds anything."""
    require(actor, "case.reveal")
    qs = queries.filtered(actor, f)
    searched: dict[str, str] = {}
    if phone is not None:
        phone = phone.strip()
        if not phone.replace("-", "").isdigit() or len(phone) > 20:
            raise InvalidInput(_("Not a valid phone number."), field="reporter_phone")
        qs, searched["phone"] = qs.filter(reporters__phone=phone), phone
    if id_number is not None:
        id_number = id_number.strip().upper()
        if not registration.is_id_number(id_number):
            raise InvalidInput(_("A resident ID number has 18 characters."), field="reporter_id_number")
        qs, searched["id_number"] = qs.filter(reporters__id_number=id_number), id_number
    if not searched:
        raise InvalidInput(_("Give a phone number or an ID number."), field="reporter_phone")
    qs = qs.distinct()
    rows = qs.select_related("category", "lead_department").order_by("-created_at", "-id")
    items = list(rows[: max(1, min(limit, 200))])
    total = qs.count()
    audit.record(
        actor=actor,
        action="case.reporter_searched",
        after={**searched, "found": total},
        note=reason.strip()[:255],
    )
    return items, total
