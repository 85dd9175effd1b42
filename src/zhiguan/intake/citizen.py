"""The citizen's side of a case: follow it by number + last four phone digits, and rate it after closure.

A citizen has no account. Who may follow or rate is proved either by the case number and the last
four digits of a reporter's phone, or by the signed link generated when the case is closed. Wrong
number and wrong digits answer the same 404; wrong tries are counted per number, so four digits
cannot be guessed. Rating performs the workflow's `callback` action through `services.perform` as
the permission module's citizen actor (`Actor.citizen`: that one case, the pseudo-role "citizen",
allowed on the callback row only), so it is locked, audited and on the timeline like any callback.
The link is issued by `issue_link_at_close`, which `IntakeConfig.ready` connects to `case_changed`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiguan.audit import services as audit
from zhiguan.cases import services
from zhiguan.cases.models import Case, CaseEvent
from zhiguan.cases.status import Status
from zhiguan.errors import Conflict, InvalidInput, NotFound, RateLimited
from zhiguan.intake.portal import photo_token
from zhiguan.intake.publicstatus import PUBLIC_STEP, public_status, public_steps
from zhiguan.notifications.citizen import notify_case
from zhiguan.notifications.services import mobile_number
from zhiguan.org.permissions import Actor, get_or_404

# Unchanged since the module lived in `cases`: links already sent must still verify.
LINK_SALT = "zhiguan.cases.citizen.callback"
FAILURE_WINDOW_SECONDS = 3600

# Sent after a case is closed, with the signed rating link for the reporter (the SMS adapter listens).
callback_link_issued = Signal()

# Steps a citizen sees on the public timeline (in plain words: `publicstatus.PUBLIC_STEP`);
# internal steps (returns, supervision, escalation, co-handling, extension requests) and every
# note stay inside.
PUBLIC_ACTIONS = frozenset(PUBLIC_STEP)
FED_BACK = frozenset({Status.TO_VERIFY, Status.VERIFIED, Status.CLOSED, Status.CALLBACK_DONE})
# Every way a case ends with a service to the caller is rated: closed after handling, or a
# consultation answered at intake (docs/decisions/085). Rejected cases are not: nothing was done
# for this report. A merged request is rated once the case it joined is closed, the rating
# recorded on the merged request itself (`may_rate_merged`, docs/decisions/087).
RATEABLE = frozenset({Status.CLOSED, Status.ANSWERED})
TARGET_CLOSED = frozenset({Status.CLOSED, Status.CALLBACK_DONE})
LINK_ACTIONS = {"close": Status.CLOSED, "answer": Status.ANSWERED}
_DIGITS = re.compile(r"^\d{4}$")


class AlreadyRated(Conflict):
    code = "already_rated"
    default_message = gettext_lazy("This case has already been rated.")


def may_rate_merged(case: Case) -> bool:
    """A merged request not yet rated whose case it joined is closed (docs/decisions/087)."""
    return (
        case.status == Status.MERGED
        and not case.callback_result
        and case.merged_into_id is not None
        and Case.objects.filter(pk=case.merged_into_id, status__in=TARGET_CLOSED).exists()
    )


def _rated(case: Case) -> bool:
    return case.status == Status.CALLBACK_DONE or (
        case.status == Status.MERGED and bool(case.callback_result)
    )


def citizen_actor(case: Case) -> Actor:
    """The reporter of one case, proved by number + digits or by the signed link; sees that case only."""
    return Actor.citizen(case.jurisdiction, record_id=case.pk, actions=("case.view", "case.act"))


def _failure_key(source: str) -> str:
    # Whatever the address looks like, hashed into a short, safe cache key.
    return f"zhiguan:citizen-failures:{hashlib.sha256(source.encode()).hexdigest()[:32]}"


def find_case(*, number: str, phone_last4: str, source: str) -> Case:
    """The case with this number whose reporter's phone ends in these digits; else 404 (one answer for both).

    Wrong tries are counted per guessing source (the client address, `zhiguan.network`), in the
    shared cache: after ZHIGUAN_CITIZEN_MAX_FAILURES within an hour that source answers 429 for the
    rest of the hour, whatever number it asks for. The case itself is never locked, so the real
    reporter, elsewhere, still follows it with the right digits.
    """
    number = (number or "").strip()[:32]
    key = _failure_key(source)
    if (cache.get(key) or 0) >= settings.ZHIGUAN_CITIZEN_MAX_FAILURES:
        raise RateLimited()
    case = (
        Case.objects.select_related("jurisdiction", "category", "lead_department")
        .filter(number=number)
        .first()
    )
    digits = phone_last4 or ""
    ok = (
        case is not None
        and _DIGITS.match(digits) is not None
        and any(r.phone.endswith(digits) for r in case.reporters.all() if r.phone)
    )
    if not ok or case is None:
        cache.add(key, 0, FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, FAILURE_WINDOW_SECONDS)
        raise NotFound()
    return case


def callback_token(case: Case) -> str:
    """A signed link token for rating this closure of the case (a later closure needs a new one)."""
    assert case.closed_at is not None, "a rating link is made at closure"
    return signing.dumps({"case": case.pk, "closed": case.closed_at.isoformat()}, salt=LINK_SALT)


def case_from_token(token: str) -> Case:
    """The case a rating link was made for; 404 when the link is forged, expired or from an earlier closure."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=settings.ZHIGUAN_CITIZEN_LINK_DAYS * 86400)
    except signing.BadSignature as exc:
        raise NotFound() from exc
    case = Case.objects.select_related("jurisdiction").filter(pk=data.get("case")).first()
    if case is None or case.closed_at is None or case.closed_at.isoformat() != data.get("closed"):
        if case is not None and _rated(case):
            raise AlreadyRated()
        raise NotFound()
    return case


def _reply(case: Case, events: list[CaseEvent]) -> str:
    answered = next((e.note for e in reversed(events) if e.action == "answer"), None)
    if answered is not None:  # answered at intake, rated or not
        return answered
    if case.status not in FED_BACK:
        return ""
    fed = next((e for e in reversed(events) if e.action == "feed_back"), None)
    return str(fed.payload.get("lead_reply", "")) if fed is not None else ""


def _department(case: Case) -> str:
    # Named once the case has reached a department (before dispatch it may still change).
    if case.lead_department is None or case.status in (Status.REGISTERED, Status.TO_DISPATCH):
        return ""
    return case.lead_department.name


def public_view(case: Case) -> dict[str, Any]:
    """What the citizen sees: the public status (never an internal step), the handling department,
    the public steps in plain words (no people, no notes), the reply once fed back, the photos the
    department published and how many others said "me too"."""
    events = list(case.events.order_by("seq"))
    photos = case.attachments.filter(published=True, content_type__in=services.IMAGE_TYPES)
    return {
        "number": case.number,
        "status": public_status(case.status),
        "request_type": case.request_type,
        "category_name": case.category.name,
        "department": _department(case),
        "created_at": case.created_at,
        "closed_at": case.closed_at,
        "timeline": public_steps(
            [(e.at, e.action, e.to_status) for e in events if e.action in PUBLIC_ACTIONS]
        ),
        "photos": [
            {"name": a.name, "url": f"/api/v1/cases/public/photos/{photo_token(a.pk)}"} for a in photos
        ],
        "me_too_count": sum(1 for e in events if e.action == "me_too"),
        "reply": _reply(case, events),
        "callback_result": case.callback_result if _rated(case) else "",
        "can_rate": case.status in RATEABLE or may_rate_merged(case),
    }


def follow(*, number: str, phone_last4: str, source: str) -> dict[str, Any]:
    """The public view of a case, for whoever knows its number and the reporter's last four digits."""
    return public_view(find_case(number=number, phone_last4=phone_last4, source=source))


def rate(
    *,
    result: str,
    comment: str = "",
    number: str | None = None,
    phone_last4: str | None = None,
    token: str | None = None,
    source: str,
) -> Case:
    """The citizen's rating of a closed case (or an answered consultation): the `callback` action
    performed as the citizen, once only.

    Guarantees: 404 unless the number + digits or the link prove the reporter; 409 `already_rated`
    on a second rating (also when two arrive at once); 409 `not_closed` before closure; 422 on a bad
    result, changing nothing. The rating is on the timeline and in the audit log like any callback.
    """
    if token:
        case = case_from_token(token)
    elif number and phone_last4:
        case = find_case(number=number, phone_last4=phone_last4, source=source)
    else:
        raise InvalidInput(_("Give the case number and the last four digits, or the link."), field="token")
    if len(comment) > 500:
        raise InvalidInput(_("The comment is too long."), field="comment")
    if _rated(case):
        raise AlreadyRated()
    if case.status not in RATEABLE and not may_rate_merged(case):
        raise Conflict(_("A case can be rated once it is closed."), code="not_closed", status=case.status)
    try:
        return services.perform(
            actor=citizen_actor(case),
            case_id=case.pk,
            action="callback",
            expected_version=case.version,
            result=result,
            note=comment.strip(),
        )
    except Conflict as exc:
        now = Case.objects.filter(pk=case.pk).first()
        if now is not None and _rated(now):
            raise AlreadyRated() from exc
        raise


def issue_callback_link(*, actor: Actor, number: str) -> str:
    """A rating link for a closed case, for staff who contact reporters (audited like a reveal)."""
    case = get_or_404(actor, Case.objects.all(), "case.reveal", number=number)
    if case.status not in RATEABLE or case.closed_at is None:
        raise Conflict(_("A case can be rated once it is closed."), code="not_closed", status=case.status)
    audit.record(actor=actor, action="case.callback_link_issued", target=case)
    return callback_token(case)


def issue_link_at_close(sender: Any, case_id: int, event_id: int, **kwargs: Any) -> None:
    """`case_changed` listener: after a closure or an answer at intake commits, send the reporter's
    rating link."""
    action = kwargs.get("action")
    if action not in LINK_ACTIONS:
        return  # Only a closure or an answer issues a link; no query for the other moves.
    event = CaseEvent.objects.filter(pk=event_id, action=action).select_related("case").first()
    if event is None or event.case.status != LINK_ACTIONS[action] or event.case.closed_at is None:
        return
    callback_link_issued.send(sender=Case, case_id=case_id, token=callback_token(event.case))
    if action == "close":
        # Every reporter of a request merged into the case is asked too, for their own request.
        merged = Case.objects.filter(merged_into_id=case_id, status=Status.MERGED, callback_result="")
        for report in merged.exclude(closed_at__isnull=True):
            callback_link_issued.send(sender=Case, case_id=report.pk, token=callback_token(report))


def rating_link(token: str) -> str:
    return f"{settings.ZHIGUAN_PUBLIC_URL}/rate?token={token}"


def text_rating_link(sender: Any, case_id: int, token: str, **kwargs: Any) -> None:
    """`callback_link_issued` listener: the reporter gets an SMS saying the case is closed, with
    the rating link (in the platform's language: a closure happens away from the citizen's page)."""
    case = Case.objects.select_related("jurisdiction").filter(pk=case_id).first()
    if case is None or case.status == Status.ANSWERED:
        # An answered consultation's link travels with the answer itself, one message
        # (`intake.wechat.notices`, docs/decisions/085).
        return
    phone = next((p for p in (mobile_number(r.phone) for r in case.reporters.all()) if p), "")
    key = "rating"
    with translation.override(settings.LANGUAGE_CODE):
        text = _("[%(district)s] Your report %(number)s has been dealt with. Please rate it: %(link)s") % {
            "district": case.jurisdiction.name,
            "number": case.number,
            "link": rating_link(token),
        }
        if case.status == Status.MERGED and case.merged_into_id is not None:
            # The reporter of a merged request rates the handling of the case it joined (087).
            target = Case.objects.filter(pk=case.merged_into_id).values_list("number", flat=True).first()
            key = f"rating:joined:{case.merged_into_id}"
            text = _(
                "[%(district)s] The report %(target)s that your report %(number)s was merged into has "
                "been dealt with. Please rate it: %(link)s"
            ) % {
                "district": case.jurisdiction.name,
                "number": case.number,
                "target": target,
                "link": rating_link(token),
            }
    # The one door for citizen notices (docs/decisions/077): by the citizen's channel (SMS, WeChat),
    # once per case even when the listener runs twice.
    notify_case(
        jurisdiction=case.jurisdiction,
        case_id=case.pk,
        case_number=case.number,
        key=key,
        purpose="case_closed",
        text=text,
        phone=phone,
        data={"status": "done", "link": rating_link(token)},
    )
