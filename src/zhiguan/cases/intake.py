"""Registering a case (numbered, located, idempotent), uploading attachments, revealing reporters."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases.models import (
    Case,
    CaseAttachment,
    CaseCounter,
    CaseIdempotencyKey,
    CaseReporter,
    Channel,
    RequestType,
    Urgency,
)
from zhiguan.cases.workflow import Status
from zhiguan.errors import Forbidden, InvalidInput
from zhiguan.geo.services import Location, locate
from zhiguan.org.permissions import Actor, get_or_404, require

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "audio/mpeg",
)


def next_number(jurisdiction_id: int, code: str, day: date) -> str:
    """`330114-20261126-00042`: the next number of the day, unique and never reused.

    One atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35)
    increments the per-day counter row and returns the new value. Called outside a transaction
    (as `create_case` does), the counter row is locked only for that one statement, so concurrent
    registrations no longer queue behind each other's whole transaction. A registration that
    fails after taking its number leaves a gap; numbers are never handed out twice
    (docs/decisions/034-case-performance.md).
    """
    table = connection.ops.quote_name(CaseCounter._meta.db_table)
    sql = (
        f'INSERT INTO {table} (jurisdiction_id, day, "last") VALUES (%s, %s, 1) '
        f'ON CONFLICT (jurisdiction_id, day) DO UPDATE SET "last" = {table}."last" + 1 RETURNING "last"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [jurisdiction_id, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return f"{code}-{day:%Y%m%d}-{row[0]:05d}"


def _existing(actor: Actor, channel: str, external_ref: str, idempotency_key: str | None) -> Case | None:
    jid = actor.jurisdiction.pk
    if idempotency_key:
        hit = (
            CaseIdempotencyKey.objects.filter(jurisdiction_id=jid, key=idempotency_key)
            .select_related("case")
            .first()
        )
        if hit is not None:
            return hit.case
    if external_ref:
        # Unordered; answered by the plain (jurisdiction, channel, external_ref) index. The partial
        # unique index cannot serve it under a generic plan: with bound parameters PostgreSQL
        # cannot prove `external_ref <> ''` from `external_ref = $3`, and would scan the table.
        return (
            Case.objects.filter(jurisdiction_id=jid, channel=channel, external_ref=external_ref)
            .order_by()
            .first()
        )
    return None


def check_choice(value: str, choices: Any, field: str) -> str:
    """`value` is one of the stable codes of `choices`, else 422 naming the field and the allowed codes."""
    if value not in choices.values:
        raise InvalidInput(_("Unknown value."), field=field, allowed=list(choices.values))
    return value


def _clean_reporters(reporters: list[dict[str, str]]) -> list[dict[str, str]]:
    from zhiguan.org.models import phone_validator

    if not reporters:
        raise InvalidInput(_("A case needs at least one reporter."), field="reporters")
    out = []
    for i, r in enumerate(reporters):
        name, phone, id_number = (r.get(k, "").strip() for k in ("name", "phone", "id_number"))
        if not name:
            raise InvalidInput(_("Each reporter needs a name."), field=f"reporters.{i}.name")
        if phone:
            try:
                phone_validator(phone)
            except Exception as exc:
                raise InvalidInput(_("Not a valid phone number."), field=f"reporters.{i}.phone") from exc
        if id_number and (len(id_number) != 18 or not id_number[:17].isdigit()):
            raise InvalidInput(_("A resident ID number has 18 characters."), field=f"reporters.{i}.id_number")
        out.append({"name": name, "phone": phone, "id_number": id_number.upper()})
    return out


def create_case(
    *,
    actor: Actor,
    request_type: str,
    channel: str,
    category_id: int,
    description: str,
    reporters: list[dict[str, str]],
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    external_ref: str = "",
    urgency: str = Urgency.NORMAL,
    attachment_ids: list[int] | None = None,
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """Register a case; returns (case, created).

    The same channel + external reference, or the same idempotency key, returns the first case
    (created False) and changes nothing. Bad input (unknown category, point outside the
    jurisdiction, bad reporter) raises before anything is written.
    """
    from zhiguan.taxonomy.models import Category

    require(actor, "case.create")
    external_ref = external_ref.strip()
    found = _existing(actor, channel, external_ref, idempotency_key)
    if found is not None:
        return found, False
    check_choice(request_type, RequestType, "request_type")
    check_choice(channel, Channel, "channel")
    check_choice(urgency, Urgency, "urgency")
    if not description.strip():
        raise InvalidInput(_("Describe the matter."), field="description")
    people = _clean_reporters(reporters)
    category = Category.objects.filter(pk=category_id, jurisdiction_id=actor.jurisdiction.pk).first()
    if category is None or category.retired_at is not None:
        raise InvalidInput(_("Unknown or retired category."), code="unknown_category", field="category_id")
    if (lng is None) != (lat is None):
        raise InvalidInput(_("Give both longitude and latitude, or neither."), field="lng")
    location = None
    if lng is not None and lat is not None:
        location = locate(jurisdiction_id=actor.jurisdiction.pk, lng=lng, lat=lat, crs=crs)
    now = timezone.now()
    # Taken before the registration's transaction: the counter row is not held while it runs.
    number = next_number(actor.jurisdiction.pk, actor.jurisdiction.code, timezone.localdate(now))
    try:
        with transaction.atomic():
            case = _register(
                actor,
                number,
                request_type,
                channel,
                external_ref,
                category,
                description,
                urgency,
                address,
                location,
                people,
                attachment_ids or [],
                idempotency_key,
            )
    except IntegrityError:
        found = _existing(actor, channel, external_ref, idempotency_key)
        if found is None:
            raise
        return found, False
    return case, True


def _register(
    actor: Actor,
    number: str,
    request_type: str,
    channel: str,
    external_ref: str,
    category: Any,
    description: str,
    urgency: str,
    address: str,
    location: Any,
    people: list[dict[str, str]],
    attachment_ids: list[int],
    idempotency_key: str | None,
) -> Case:
    from zhiguan.cases.services import append_event

    case = Case(
        jurisdiction=actor.jurisdiction,
        number=number,
        request_type=request_type,
        channel=channel,
        external_ref=external_ref,
        category=category,
        description=description.strip(),
        urgency=urgency,
        status=Status.REGISTERED,
        reported_by=actor.user,
        registered_by_client=actor.client,
        address=address.strip(),
    )
    if location is not None:
        _apply_location(case, location)
    case.save()
    reporters = CaseReporter.objects.bulk_create([CaseReporter(case=case, **p) for p in people])
    # Reporters never change after registration: the API answers from memory, not by reading them back.
    remember_related(case, reporters=reporters)
    if idempotency_key:
        CaseIdempotencyKey.objects.create(jurisdiction=actor.jurisdiction, key=idempotency_key, case=case)
    role = next(iter(actor.role_codes), "")
    append_event(
        actor=actor,
        case=case,
        seq=1,
        action="register",
        from_status="",
        role=role,
        payload={"channel": channel, "request_type": request_type, "category_id": category.pk},
        attachment_ids=attachment_ids,
    )
    audit.record(
        actor=actor,
        action="case.registered",
        target=case,
        after={
            "number": number,
            "channel": channel,
            "external_ref": external_ref,
            "category_id": category.pk,
            "reporters": len(people),
        },
    )
    return case


def remember_related(case: Case, **related: list[Any]) -> None:
    """Record related rows known in memory as if prefetched, so `case.<name>.all()` needs no query."""
    cache = case.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objs in related.items():
        qs = getattr(case, name).all()
        qs._result_cache = list(objs)
        qs._prefetch_done = True
        cache[name] = qs


def _apply_location(case: Case, location: Location) -> None:
    case.lng, case.lat = location.lng, location.lat
    case.street_id, case.community_id, case.grid_id = (
        location.street_id,
        location.community_id,
        location.grid_id,
    )
    for name, cell in location.h3.items():
        setattr(case, name, cell)


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


@transaction.atomic
def upload_attachment(*, actor: Actor, upload: UploadedFile) -> CaseAttachment:
    """Store an uploaded file under MEDIA_ROOT, pending until a registration or an action binds it to a case."""
    if not (actor.can("case.create") or actor.can("case.act")):
        raise Forbidden(action="case.act")
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("The file is too large."), code="file_too_large", field="file")
    if upload.content_type not in ALLOWED_CONTENT_TYPES:
        raise InvalidInput(
            _("This kind of file is not accepted."),
            code="unsupported_file",
            field="file",
            allowed=list(ALLOWED_CONTENT_TYPES),
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(
        jurisdiction=actor.jurisdiction,
        name=(upload.name or "file")[:255],
        content_type=upload.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}-{attachment.name}"[-100:], upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="case.attachment_uploaded",
        target=attachment,
        after={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
    )
    return attachment
