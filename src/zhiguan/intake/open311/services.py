"""Open311 GeoReport v2 writes: API keys, filing a request, a citizen's update (FixMyStreet).

A request is registered through `cases.services.register` as the key's machine client (scope
`case.create` only), so it is numbered, located, routed, audited and on the timeline like any
other; the case number is the `service_request_id`. Bad input raises a `zhiguan.errors` error
before anything is written; the views turn it into the GeoReport error format
(docs/decisions/075-open311-georeport-v2.md).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases import services as cases
from zhiguan.cases.models import Case, Channel, RequestType
from zhiguan.errors import DomainError, Forbidden, InvalidInput, NotFound
from zhiguan.intake.open311 import lookups
from zhiguan.intake.open311.models import (
    Datatype,
    Open311Key,
    Open311Request,
    Open311Update,
)
from zhiguan.org.models import ApiClient, ClientKind
from zhiguan.org.permissions import Actor
from zhiguan.schemas import is_unclean
from zhiguan.taxonomy.models import Category
from zhiguan.tenancy.models import Jurisdiction

# The channel of cases filed through Open311: "open311" once the cases app names it, the mobile
# app channel until then (the issue files Open311 under "Web, mobile app").
CHANNEL = "open311" if "open311" in Channel.values else Channel.APP
KEY_PREFIX = "o311"
MAX_DESCRIPTION = 4000
MAX_TEXT = 255
DEMO_KEY_NAME = "演示客户端"  # shown in the keys list of a Chinese console


# ------------------------------------------------------------------------------------------ keys


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _client(jurisdiction: Jurisdiction, name: str) -> ApiClient:
    client, _created = ApiClient.objects.get_or_create(
        jurisdiction=jurisdiction,
        name=f"Open311 {name}"[:64],
        defaults={"kind": ClientKind.CHANNEL, "scopes": ["case.create"]},
    )
    return client


def _store_key(jurisdiction: Jurisdiction, name: str, plain: str, prefix: str) -> Open311Key:
    row = Open311Key.objects.create(
        jurisdiction=jurisdiction,
        name=name,
        client=_client(jurisdiction, name),
        prefix=prefix,
        key_hash=_hash(plain),
    )
    audit.record(
        actor=Actor.system(jurisdiction), action="open311.key_issued", target=row, after={"name": name}
    )
    return row


def issue_key(*, jurisdiction_code: str, name: str) -> tuple[Open311Key, str]:
    """A new key for client `name` in the jurisdiction; returns (row, the key). The key is shown
    once: only its hash is kept. A second key of the same name is refused."""
    jurisdiction = Jurisdiction.objects.filter(code=jurisdiction_code, active=True).first()
    if jurisdiction is None:
        raise NotFound(_("No such district on this platform."), field="jurisdiction")
    name = name.strip()
    if not name or len(name) > 64 or is_unclean(name):
        raise InvalidInput(_("Give the client a name of at most 64 characters."), field="name")
    if Open311Key.objects.filter(jurisdiction=jurisdiction, name=name).exists():
        raise InvalidInput(_("A key with this name exists already."), code="duplicate", field="name")
    prefix = secrets.token_hex(4)
    plain = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(24)}"
    return _store_key(jurisdiction, name, plain, prefix), plain


def demo_key(jurisdiction: Jurisdiction) -> str:
    """The demo district's key: derived from the installation's secret, so `make run` prints the same
    one every time; stored (hashed) on first use. Only for the demo (`zhiguan demo`, `serve`)."""
    secret = hmac.new(settings.SECRET_KEY.encode(), f"open311-demo:{jurisdiction.code}".encode(), "sha256")
    digest = secret.hexdigest()
    prefix = f"d{digest[:7]}"
    plain = f"{KEY_PREFIX}_{prefix}_{digest[8:40]}"
    if not Open311Key.objects.filter(prefix=prefix).exists():
        # A demo key made under another secret (a new var/ directory) is replaced, not duplicated.
        stale = Open311Key.objects.filter(jurisdiction=jurisdiction, name=DEMO_KEY_NAME).first()
        if stale is None:
            _store_key(jurisdiction, DEMO_KEY_NAME, plain, prefix)
        else:
            stale.prefix, stale.key_hash, stale.active = prefix, _hash(plain), True
            stale.save(update_fields=["prefix", "key_hash", "active"])
    return plain


def authenticate(jurisdiction: Jurisdiction, api_key: str) -> Open311Key:
    """The active key of this jurisdiction that `api_key` is; Forbidden (403) otherwise."""
    parts = (api_key or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise Forbidden(_("A valid api_key is required."), code="api_key")
    row = Open311Key.objects.select_related("client").filter(prefix=parts[1]).first()
    if (
        row is None
        or not row.active
        or row.jurisdiction_id != jurisdiction.pk
        or not hmac.compare_digest(row.key_hash, _hash(api_key.strip()))
    ):
        raise Forbidden(_("A valid api_key is required."), code="api_key")
    # The district is the one already read (the key's own, checked above): no second look-up.
    row.jurisdiction = jurisdiction
    if row.client.jurisdiction_id == jurisdiction.pk:
        row.client.jurisdiction = jurisdiction
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=1):
        # At most once a minute: a busy client's every request would otherwise write the one row.
        Open311Key.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


# -------------------------------------------------------------------------------------- services


def service(jurisdiction: Jurisdiction, code: str) -> Category:
    """The category a service code names (in use, in this jurisdiction); NotFound (404) otherwise."""
    category = Category.objects.filter(jurisdiction=jurisdiction, code=code, retired_at__isnull=True).first()
    if not code or category is None:
        raise NotFound(_("No such service."), code="service_code")
    return category


def _bad(message: str, name: str) -> InvalidInput:
    return InvalidInput(message, code=name, field=name)


def _text(params: dict[str, list[str]], name: str, max_length: int = MAX_TEXT) -> str:
    values = params.get(name) or [""]
    value = values[-1].strip()
    if len(value) > max_length:
        raise _bad(_("%(name)s is longer than %(max)s characters.") % {"name": name, "max": max_length}, name)
    if is_unclean(value):
        raise _bad(_("%(name)s holds control characters.") % {"name": name}, name)
    return value


def _number(value: str, name: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not low <= number <= high:
        raise _bad(_("%(name)s is not a valid coordinate.") % {"name": name}, name)
    return number


_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")


def attribute_answers(params: dict[str, list[str]]) -> dict[str, list[str]]:
    """`attribute[code]`, `attribute[code][]` and the same key repeated (FixMyStreet) → code: values."""
    answers: dict[str, list[str]] = {}
    for key, values in params.items():
        match = _ATTRIBUTE.match(key)
        if match is None:
            continue
        for value in values:
            value = value.strip()
            if is_unclean(value) or len(value) > MAX_DESCRIPTION:
                raise _bad(_("The answer to %(code)s is not valid.") % {"code": match[1]}, "attribute")
            if value:
                answers.setdefault(match[1], []).append(value)
    return answers


def check_attributes(category: Category, answers: dict[str, list[str]]) -> dict[str, Any]:
    """The answers checked against the service's attributes: required ones given, list answers among
    the keys, numbers and datetimes parseable. Unknown codes are ignored (the spec lets clients send
    what a service does not ask)."""
    out: dict[str, Any] = {}
    for attr in lookups.attributes(category.pk):
        given = answers.get(attr.code, [])
        if not given:
            if attr.required:
                raise _bad(_("The attribute %(code)s is required.") % {"code": attr.code}, "attribute")
            continue
        keys = {str(v.get("key")) for v in attr.values}
        if attr.datatype == Datatype.MULTIVALUELIST:
            if any(v not in keys for v in given):
                raise _bad(
                    _("The attribute %(code)s has an unknown value.") % {"code": attr.code}, "attribute"
                )
            out[attr.code] = given
            continue
        value = given[-1]
        if attr.datatype == Datatype.SINGLEVALUELIST and value not in keys:
            raise _bad(_("The attribute %(code)s has an unknown value.") % {"code": attr.code}, "attribute")
        if attr.datatype == Datatype.NUMBER:
            try:
                float(value)
            except ValueError as exc:
                raise _bad(
                    _("The attribute %(code)s is a number.") % {"code": attr.code}, "attribute"
                ) from exc
        if attr.datatype == Datatype.DATETIME and parse_when(value, "attribute") is None:
            raise _bad(_("The attribute %(code)s is a date and time.") % {"code": attr.code}, "attribute")
        out[attr.code] = value
    return out


def parse_when(value: str, name: str) -> datetime | None:
    """A W3C / ISO 8601 date-time (a date alone is its midnight); naive ones are local time."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) == 10:
        value += "T00:00:00"
    try:
        moment = parse_datetime(value.replace(" ", "+") if value.count(" ") == 1 and "T" in value else value)
    except ValueError:
        moment = None
    if moment is None:
        raise _bad(_("%(name)s is not an ISO 8601 date and time.") % {"name": name}, name)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@dataclass
class Filed:
    """What POST requests answers: the case (or the token to poll) and a notice for the client."""

    request: Open311Request
    token_only: bool
    notices: list[str] = field(default_factory=list)


def _place(jurisdiction: Jurisdiction, params: dict[str, list[str]]) -> tuple[float, float, str, str]:
    """(lng, lat, address, address_id) from lat+long (WGS-84), address_id or address_string."""
    lat_text, long_text = _text(params, "lat", 32), _text(params, "long", 32)
    address = _text(params, "address_string")
    address_id = _text(params, "address_id", 64)
    if lat_text or long_text:
        if not (lat_text and long_text):
            raise _bad(_("Give both lat and long."), "lat")
        return _number(long_text, "long", -180, 180), _number(lat_text, "lat", -90, 90), address, address_id
    if address_id:
        from zhiguan.gis.models import StandardAddress

        row = StandardAddress.objects.filter(
            jurisdiction=jurisdiction, code=address_id, retired_at__isnull=True, lng__isnull=False
        ).first()
        if row is None or row.lat is None or row.lng is None:
            raise _bad(_("No standard address has this address_id."), "address_id")
        return row.lng, row.lat, address or row.address, address_id
    if address:
        from zhiguan.gis.geocode import geocode

        try:
            found = geocode(jurisdiction_id=jurisdiction.pk, text=address, limit=1)
        except NotFound as exc:
            raise _bad(_("The address_string matches no standard address."), "address_string") from exc
        return found.matched.lng, found.matched.lat, address, ""
    raise _bad(_("Give lat and long, address_string or address_id."), "location")


def _reporter(params: dict[str, list[str]]) -> dict[str, str]:
    name = " ".join(p for p in (_text(params, "first_name", 64), _text(params, "last_name", 64)) if p)
    if not name:
        with translation.override(settings.LANGUAGE_CODE):  # data, in the platform's language
            name = _("Anonymous")
    phone = re.sub(r"[\s\-()]", "", _text(params, "phone", 32))
    return {"name": name[:64], "phone": phone}


def _description(category: Category, text: str, attributes: dict[str, Any]) -> str:
    if not attributes:
        return text
    lines = [f"{code}: {', '.join(v) if isinstance(v, list) else v}" for code, v in attributes.items()]
    return "\n".join([text, "", *lines]).strip()


def submit(
    *,
    jurisdiction: Jurisdiction,
    key: Open311Key,
    params: dict[str, list[str]],
    media: UploadedFile | None = None,
) -> Filed:
    """File one service request: checked in full before anything is written, then registered as a
    case through `cases.services.register` (numbered, located, routed, deadlines set, audited)."""
    category = service(jurisdiction, _text(params, "service_code", 64))
    description = _text(params, "description", MAX_DESCRIPTION)
    if not description:
        raise _bad(_("Describe the problem (description)."), "description")
    lng, lat, address, address_id = _place(jurisdiction, params)
    attributes = check_attributes(category, attribute_answers(params))
    email = _text(params, "email", 254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise _bad(_("The email is not valid."), "email") from exc
    media_url = _text(params, "media_url", 1000)
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise _bad(_("The media_url is not a web address."), "media_url") from exc
    account_id = _text(params, "account_id", 64)
    _text(params, "device_id", 64)
    reporter = _reporter(params)
    token = secrets.token_hex(16)
    actor = Actor.for_client(key.client)
    notices: list[str] = []
    with cases.discard_on_error(), transaction.atomic():
        attachment_ids = []
        if media is not None:
            try:
                with transaction.atomic():
                    stored = cases.upload_attachment(
                        actor=actor, upload=media, allowed=cases.IMAGE_TYPES, field="media"
                    )
                attachment_ids.append(stored.pk)
            except DomainError as exc:
                # The request stands without its photo, and the client is told so.
                notices.append(_("The photo was not accepted: %(reason)s") % {"reason": exc.message})
        case, _created = cases.register(
            actor=actor,
            request_type=RequestType.REPORT,
            channel=CHANNEL,
            category_id=category.pk,
            description=_description(category, description, attributes),
            reporters=[reporter],
            lng=lng,
            lat=lat,
            crs="wgs84",
            address=address,
            external_ref=token,
            attachment_ids=attachment_ids,
        )
        filed = Open311Request.objects.create(
            jurisdiction=jurisdiction,
            case=case,
            key=key,
            token=token,
            media_url=media_url,
            attributes=attributes,
            email=email,
            account_id=account_id,
            address_id=address_id,
        )
    return Filed(
        request=filed,
        token_only=bool(getattr(settings, "ZHIGUAN_OPEN311_ANSWER_TOKENS", False)),
        notices=notices,
    )


def post_update(
    *, jurisdiction: Jurisdiction, key: Open311Key, params: dict[str, list[str]]
) -> Open311Update:
    """A citizen's update to a request (FixMyStreet `servicerequestupdates` POST): kept with the
    request and audited on the case; the same client update id posted again returns the first."""
    number = _text(params, "service_request_id", 32)
    case = Case.objects.filter(jurisdiction=jurisdiction, number=number).first()
    if not number or case is None:
        raise NotFound(_("No such service request."), code="service_request_id")
    external_id = _text(params, "update_id_ext", 64) or _text(params, "update_id", 64)
    if external_id:
        found = Open311Update.objects.filter(key=key, external_id=external_id).first()
        if found is not None:
            return found
    description = _text(params, "description", MAX_DESCRIPTION)
    media_url = _text(params, "media_url", 1000)
    if not description and not media_url:
        raise _bad(_("Describe the update (description)."), "description")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError as exc:
            raise _bad(_("The media_url is not a web address."), "media_url") from exc
    if _text(params, "updated_datetime", 40):
        parse_when(_text(params, "updated_datetime", 40), "updated_datetime")
    email = _text(params, "email", 254)
    if email:
        try:
            EmailValidator()(email)
        except ValidationError as exc:
            raise _bad(_("The email is not valid."), "email") from exc
    update = Open311Update(
        jurisdiction=jurisdiction,
        case=case,
        key=key,
        external_id=external_id,
        status=_text(params, "status", 32).lower(),
        external_status_code=_text(params, "external_status_code", 64),
        description=description,
        media_url=media_url,
        email=email,
        name=" ".join(p for p in (_text(params, "first_name", 64), _text(params, "last_name", 64)) if p),
    )
    try:
        with transaction.atomic():
            update.save()
            # On the case's timeline (and audited there) for the operator, as the client.
            cases.annotate(
                actor=Actor.for_client(key.client),
                case_id=case.pk,
                action="citizen_update",
                note=description,
                payload={
                    "open311_update": update.pk,
                    "status": update.status,
                    "external_status_code": update.external_status_code,
                    "media_url": media_url,
                },
            )
    except IntegrityError:
        return Open311Update.objects.get(key=key, external_id=external_id)
    return update


def print_demo_key(write: Any) -> None:
    """With the demo log-ins (`zhiguan demo`, `zhiguan serve`): the demo district's Open311 key."""
    jurisdiction = Jurisdiction.objects.filter(active=True).order_by("pk").first()
    if jurisdiction is None:
        return
    write(f"Open311 GeoReport v2 at /open311/v2/ (jurisdiction_id={jurisdiction.code}), demo api_key:")
    write(f"  {demo_key(jurisdiction)}")
