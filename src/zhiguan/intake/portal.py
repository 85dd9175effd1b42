"""Citizens submit requests themselves (web portal, app, WeChat): no log-in, one throttled endpoint.

The public portal is an intake channel like the others: it acts as the jurisdiction's machine client
"citizen portal" (created on first use, scope `case.create` only), so every submission is audited as
coming from that channel. A submission is registered, not dispatched: an intake operator reviews it
(submit / answer / reject) exactly as a call to the hotline.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from zhiguan.cases import registration, services
from zhiguan.cases.models import Case, CaseAttachment, Channel, RequestType
from zhiguan.errors import InvalidInput, NotFound
from zhiguan.notifications.citizen import notify_case
from zhiguan.notifications.services import mobile_number
from zhiguan.org.models import ApiClient, ClientKind
from zhiguan.org.permissions import Actor
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

PORTAL_CLIENT = "市民门户"
PUBLIC_CHANNELS = (Channel.WEB, Channel.APP, Channel.WECHAT)


def jurisdiction_by_code(code: str) -> Jurisdiction:
    """The active district with this administrative code; 404 naming the field `jurisdiction`."""
    jurisdiction = Jurisdiction.objects.filter(code=code, active=True).first()
    if jurisdiction is None:
        raise NotFound(_("No such district on this platform."), field="jurisdiction")
    return jurisdiction


def portal_actor(jurisdiction: Jurisdiction) -> Actor:
    client, _created = ApiClient.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=PORTAL_CLIENT,
        defaults={"kind": ClientKind.CHANNEL, "scopes": ["case.create"]},
    )
    return Actor.for_client(client)


def districts() -> list[dict[str, str]]:
    """The districts this installation serves, by name (the portal names its district, not a code)."""
    return [
        {"code": j.code, "name": j.name} for j in Jurisdiction.objects.filter(active=True).order_by("code")
    ]


def follow_link(number: str) -> str:
    """The case's public page, as sent by SMS (the page asks for the phone's last four digits)."""
    return f"{settings.ZHIGUAN_PUBLIC_URL}/follow/{number}"


def _text_registered(case: Case, phone: str) -> None:
    number = mobile_number(phone)
    if number is None:
        return  # a landline: nothing to text
    text = _("[%(district)s] Your report has been received, number %(number)s. Follow it: %(link)s") % {
        "district": case.jurisdiction.name,
        "number": case.number,
        "link": follow_link(case.number),
    }
    # The one door for citizen notices (docs/decisions/077): a receipt once per case, by SMS here.
    notify_case(
        jurisdiction=case.jurisdiction,
        case_id=case.pk,
        case_number=case.number,
        key="received",
        purpose="case_registered",
        text=text,
        phone=number,
        data={"status": "accepted", "link": follow_link(case.number)},
    )


def public_categories(*, jurisdiction_code: str) -> list[dict[str, Any]]:
    """Level-1 and level-2 categories in use, for the citizen's "what is it about" picker."""
    jurisdiction = jurisdiction_by_code(jurisdiction_code)
    rows = Category.objects.filter(jurisdiction=jurisdiction, level__lte=2, retired_at__isnull=True)
    return [
        {"id": c.pk, "parent_id": c.parent_id, "level": c.level, "name": c.name}
        for c in rows.order_by("level", "sort_order", "code")
    ]


class Submission(NamedTuple):
    case: Case
    created: bool
    # Why the photo was left out (the request itself was accepted), or None.
    photo_error: InvalidInput | None = None


def submit(
    *,
    jurisdiction_code: str,
    request_type: str,
    category_id: int,
    description: str,
    phone: str,
    name: str = "",
    channel: str = "web",
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "gcj02",
    address: str = "",
    photo: UploadedFile | None = None,
    idempotency_key: str | None = None,
) -> Submission:
    """Register a citizen's own request; returns (case, created, photo_error). Same guarantees as
    intake: bad input (unknown category, point outside the district, bad phone) changes nothing;
    the same Idempotency-Key returns the first case. A photo refused by the upload check (not a
    picture, too large, too many pixels) is left out and the request accepted without it, with
    the reason in `photo_error`: a citizen's report of a broken lamp matters more than the photo.
    A new case's reporter gets an SMS with its number and follow link (notifications outbox)."""
    jurisdiction = jurisdiction_by_code(jurisdiction_code)
    if channel not in PUBLIC_CHANNELS:
        raise InvalidInput(_("Unknown channel."), field="channel", allowed=[str(c) for c in PUBLIC_CHANNELS])
    # Every request type, praise and consultations included, as on 12345 portals; checked before the
    # photo is stored, by the rule intake applies.
    registration.check_choice(request_type, RequestType, "request_type")
    if not Category.objects.filter(
        pk=category_id, jurisdiction=jurisdiction, retired_at__isnull=True
    ).exists():
        raise InvalidInput(
            _("Choose what the request is about."), code="unknown_category", field="category_id"
        )
    actor = portal_actor(jurisdiction)
    if not name.strip():
        with translation.override(settings.LANGUAGE_CODE):  # data, in the platform's language
            name = _("Anonymous")
    photo_error = None
    if photo is not None:
        try:
            services.check_upload(photo, allowed=services.IMAGE_TYPES, field="photo")
        except InvalidInput as exc:
            photo_error, photo = exc, None
    # A submission refused after its photo was stored leaves neither a row nor a file behind.
    with services.discard_on_error(), transaction.atomic():
        attachment_ids = []
        if photo is not None:
            stored = services.upload_attachment(
                actor=actor, upload=photo, allowed=services.IMAGE_TYPES, field="photo"
            )
            attachment_ids.append(stored.pk)
        case, created = services.register(
            actor=actor,
            request_type=request_type,
            channel=channel,
            category_id=category_id,
            description=description,
            # The name is optional on the portal (the phone is what follows the case up).
            reporters=[{"name": name, "phone": phone}],
            lng=lng,
            lat=lat,
            crs=crs,
            address=address,
            attachment_ids=attachment_ids,
            idempotency_key=idempotency_key,
        )
        # In the same transaction: a submission that fails sends no text; a retry sends no second.
        if created:
            _text_registered(case, phone)
        return Submission(case, created, photo_error)


def public_areas(*, jurisdiction_code: str, level: str = "street", crs: str = "wgs84") -> Any:
    """Street (or community) outlines for the citizen's tap-map. Grids stay internal: their codes
    and shapes are a management detail, not public geography. The simplified outlines, as the
    cached document (`geo.queries.GeoJsonDocument`) the route sends with its ETag."""
    if level not in ("district", "street", "community"):
        raise InvalidInput(_("Only district, street and community outlines are public."), field="level")
    from zhiguan.geo.queries import areas_geojson_document

    actor = Actor.system(jurisdiction_by_code(jurisdiction_code))
    return areas_geojson_document(actor=actor, level=level, crs=crs)


PHOTO_SALT = "zhiguan.intake.public-photo"


def photo_token(attachment_id: int) -> str:
    """The signed name of a published photo in the public page's address (ids are not guessable)."""
    return signing.dumps(attachment_id, salt=PHOTO_SALT, compress=True)


def published_photo(*, token: str) -> CaseAttachment:
    """The published photo a public page links to; 404 when the link is forged or the department
    has hidden the photo again since."""
    try:
        attachment_id = signing.loads(token, salt=PHOTO_SALT)
    except signing.BadSignature as exc:
        raise NotFound() from exc
    attachment = CaseAttachment.objects.filter(
        pk=attachment_id, published=True, case__isnull=False, content_type__in=services.IMAGE_TYPES
    ).first()
    if attachment is None:
        raise NotFound()
    return attachment
