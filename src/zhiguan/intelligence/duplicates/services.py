"""Duplicate check at intake and on demand: ranked candidates with a score and the reasons; and
automatic merging with review (docs/decisions/087).

The scorer is `scoring.score_candidates` (pure, decision 082); this module picks the candidates
(queries) and says which are probably the same problem. Merging is the case workflow's own
`merge` action (cases.services.perform), chosen by a person, or, when the administrator switched
it on for the district (`set_auto_merge`, off by default), by the platform for a new request whose
best candidate scores at or above the threshold (`auto_merge_on_register`, a `case_changed`
listener). Every automatic merge is kept as an `AutoMerge` row for a supervisor to confirm or undo
(`review`; undoing is the workflow's `unmerge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case
from zhiguan.cases.status import OPEN_STATUSES, Role, Status
from zhiguan.errors import Conflict, Forbidden, InvalidInput, NotFound
from zhiguan.intelligence.duplicates import queries, scoring
from zhiguan.intelligence.duplicates.models import (
    MIN_AUTO_THRESHOLD,
    AutoMerge,
    DuplicateSettings,
    Outcome,
)
from zhiguan.org.permissions import ACTIONS, Actor, get_or_404, require
from zhiguan.taxonomy.models import Category

MANAGE = "duplicates.manage"

SHOWN = 5
MIN_SHOWN_SCORE = 0.3  # below this a candidate is noise to an operator


@dataclass
class Found:
    number: str
    status: str
    score: float
    duplicate: bool
    reasons: list[str]
    description: str

    def out(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "score": round(self.score, 3),
            "duplicate": self.duplicate,
            "reasons": self.reasons,
            "summary": "，".join(self.reasons),
            "description": self.description[:200],
        }


def check(
    actor: Actor,
    *,
    text: str,
    lng: float | None = None,
    lat: float | None = None,
    category_id: int | None = None,
    phone: str = "",
    component_id: int | None = None,
    exclude_case_id: int | None = None,
) -> list[Found]:
    require(actor, "case.view")
    if not text.strip():
        return []
    category = (
        Category.objects.filter(pk=category_id, jurisdiction_id=actor.jurisdiction.pk)
        .values_list("path_name", flat=True)
        .first()
        if category_id
        else None
    )
    found = queries.candidates(
        actor, lng=lng, lat=lat, category_id=category_id, phone=phone, exclude_case_id=exclude_case_id
    )
    if not found:
        return []
    new = scoring.Request(
        text=text,
        time=timezone.now(),
        lat=lat,
        lng=lng,
        category=category or None,
        caller=phone or None,
        component=str(component_id) if component_id else None,
    )
    others = [
        scoring.Request(
            text=c.description,
            time=c.created_at,
            lat=c.lat,
            lng=c.lng,
            category=c.category or None,
            caller=phone if phone and phone in c.phones else None,
            component=str(c.component_id) if c.component_id else None,
        )
        for c in found
    ]
    matches = scoring.score_candidates(new, others)
    ranked = sorted(zip(found, matches, strict=True), key=lambda p: -p[1].score)
    return [
        Found(c.number, c.status, m.score, m.duplicate, m.reasons, c.description)
        for c, m in ranked[:SHOWN]
        if m.score >= MIN_SHOWN_SCORE
    ]


def check_case(actor: Actor, *, number: str) -> list[Found]:
    """The candidates an open case could be merged into (the 合并 dialog): the same check as at
    intake, for the case's own text, point, category, first phone and component, itself excluded;
    only open cases (a merge joins an open case)."""
    case = get_or_404(actor, Case.objects.all(), "case.view", number=number)
    phone = next((r.phone for r in case.reporters.all() if r.phone), "")
    found = check(
        actor,
        text=case.description,
        lng=case.lng,
        lat=case.lat,
        category_id=case.category_id,
        phone=phone,
        component_id=case.component_id,
        exclude_case_id=case.pk,
    )
    return [f for f in found if f.status in OPEN_STATUSES]


# ------------------------------------------------------------------------------ automatic merging


def settings_of(jurisdiction_id: int) -> DuplicateSettings:
    """The district's setting (the defaults, unsaved, when it never changed them)."""
    row = DuplicateSettings.objects.filter(jurisdiction_id=jurisdiction_id).first()
    return row if row is not None else DuplicateSettings(jurisdiction_id=jurisdiction_id)


def get_settings(actor: Actor) -> DuplicateSettings:
    require(actor, "case.view")
    return settings_of(actor.jurisdiction.pk)


def set_auto_merge(actor: Actor, *, enabled: bool, threshold: float) -> DuplicateSettings:
    """Switch automatic merging on or off and set its threshold (administrator, audited).

    The threshold is between MIN_AUTO_THRESHOLD and 1 (below it the scorer's false duplicates are
    too many to merge without a person, decision 082): else 422 `bad_threshold`, nothing changed.
    """
    require(actor, MANAGE)
    if not MIN_AUTO_THRESHOLD <= threshold <= 1.0:
        raise InvalidInput(
            _("The automatic merge threshold is between %(low)s and 1.") % {"low": MIN_AUTO_THRESHOLD},
            code="bad_threshold",
            field="threshold",
        )
    with transaction.atomic():
        row, _created = DuplicateSettings.objects.select_for_update().get_or_create(
            jurisdiction_id=actor.jurisdiction.pk
        )
        before = {"auto_merge": row.auto_merge, "threshold": row.threshold}
        row.auto_merge, row.threshold, row.updated_by = enabled, round(threshold, 3), actor.user
        row.save()
        audit.record(
            actor=actor,
            action="duplicates.auto_merge_set",
            target=row,
            before=before,
            after={"auto_merge": row.auto_merge, "threshold": row.threshold},
        )
    return row


def platform_actor(case: Case) -> Actor:
    """The platform merging by itself: every action, acting in the dispatcher's workflow role."""
    return Actor(
        jurisdiction=case.jurisdiction,
        grants=dict.fromkeys(ACTIONS, "jurisdiction"),
        roles=(Role.DISPATCHER,),
    )


def auto_merge_on_register(
    sender: object, case_id: int, event_id: int, action: str = "", **kwargs: object
) -> AutoMerge | None:
    """`case_changed` listener: a newly registered request whose best open candidate scores at or
    above the district's threshold is merged into it by the platform, and the merge kept for
    review. Off by default. It runs after the registration committed (and `send_robust` logs a
    failure): a failing check or merge never undoes or fails the registration."""
    if action != "register":
        return None
    case = Case.objects.select_related("jurisdiction").filter(pk=case_id).first()
    if case is None or case.status != Status.REGISTERED:
        return None
    setting = settings_of(case.jurisdiction_id)
    if not setting.auto_merge:
        return None
    actor = platform_actor(case)
    phone = next((r.phone for r in case.reporters.all() if r.phone), "")
    found = check(
        actor,
        text=case.description,
        lng=case.lng,
        lat=case.lat,
        category_id=case.category_id,
        phone=phone,
        component_id=case.component_id,
        exclude_case_id=case.pk,
    )
    best = next((f for f in found if f.status in OPEN_STATUSES), None)
    if best is None or best.score < setting.threshold:
        return None
    target = Case.objects.filter(jurisdiction_id=case.jurisdiction_id, number=best.number).first()
    if target is None or target.merged_into_id is not None:
        return None
    with translation.override(settings.LANGUAGE_CODE):  # the platform's language, as any note
        note = _("Merged automatically: score %(score).2f (%(reasons)s)") % {
            "score": best.score,
            "reasons": "，".join(best.reasons),
        }
    with transaction.atomic():
        cases.perform(actor=actor, case_id=case.pk, action="merge", into=best.number, note=note[:2000])
        row = AutoMerge.objects.create(
            jurisdiction_id=case.jurisdiction_id,
            case=case,
            target=target,
            score=round(best.score, 3),
            threshold=setting.threshold,
            reasons=best.reasons,
        )
        audit.record(
            actor=actor,
            action="duplicates.auto_merged",
            target=row,
            after={
                "case": case.number,
                "into": target.number,
                "score": row.score,
                "threshold": row.threshold,
            },
        )
    return row


def review(actor: Actor, *, auto_merge_id: int, keep: bool, note: str = "") -> AutoMerge:
    """A supervisor's review of an automatic merge: kept, or undone (the workflow's `unmerge`, in
    the same transaction). Once only: 409 `already_reviewed`; 409 `not_merged` when the request is
    no longer merged (someone unmerged it by hand)."""
    require(actor, "case.act")
    if Role.SUPERVISOR not in actor.role_codes:
        raise Forbidden(action="unmerge" if not keep else "review", allowed_roles=[Role.SUPERVISOR])
    note = note.strip()
    if len(note) > 255:
        raise InvalidInput(_("The note is too long."), field="note")
    with transaction.atomic():
        row = (
            AutoMerge.objects.select_for_update()
            .filter(pk=auto_merge_id, jurisdiction_id=actor.jurisdiction.pk)
            .first()
        )
        if row is None:
            raise NotFound()
        if row.outcome != Outcome.PENDING:
            raise Conflict(_("This automatic merge has already been reviewed."), code="already_reviewed")
        merged = Case.objects.filter(pk=row.case_id).values_list("status", "merged_into_id").first()
        if merged is None or merged[0] != Status.MERGED or merged[1] != row.target_id:
            raise Conflict(_("The request is no longer merged."), code="not_merged")
        if not keep:
            cases.perform(
                actor=actor,
                case_id=row.case_id,
                action="unmerge",
                note=note or _("Automatic merge undone at review."),
            )
        row.outcome = Outcome.KEPT if keep else Outcome.UNDONE
        row.reviewed_by, row.reviewed_at, row.note = actor.user, timezone.now(), note
        row.save(update_fields=["outcome", "reviewed_by", "reviewed_at", "note"])
        audit.record(
            actor=actor,
            action="duplicates.auto_merge_kept" if keep else "duplicates.auto_merge_undone",
            target=row,
            after={"outcome": row.outcome},
            note=note,
        )
    return row
