"""An inspector's own report from the street (监督员上报): photos, position, category, description.

The inspector registers the case through the inspector channel as themselves (reporter and
registrar), so it is numbered, located, audited and on the timeline like any registration, and
appears in their "my reports" (`CaseFilter.reported_by_me`). The position is the device's (GPS,
WGS-84 from a browser), else the GPS written into a photo by the camera (EXIF), else the report
is refused with `position_required`: a street problem without a place cannot be dispatched.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, UnidentifiedImageError

from zhiguan.cases import components as case_components
from zhiguan.cases import services
from zhiguan.cases.models import Case, Channel, RequestType
from zhiguan.errors import InvalidInput
from zhiguan.org.permissions import Actor, require

MAX_PHOTOS = 6


@dataclass(frozen=True)
class Position:
    lng: float
    lat: float
    crs: str
    source: str  # "device", "photo" or "component" (the city component the report names)
    accuracy_m: float | None = None


def _degrees(value: Any) -> float:
    """(degrees, minutes, seconds) as EXIF rationals → decimal degrees."""
    d, m, s = (float(v) for v in value)
    degrees = d + m / 60 + s / 3600
    if not math.isfinite(degrees):
        raise ValueError("not a number")
    return degrees


def exif_position(upload: UploadedFile) -> tuple[float, float] | None:
    """The (lng, lat) a camera wrote into the photo's EXIF GPS block (WGS-84 by the EXIF standard), or None."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude])
        lng = _degrees(gps[ExifTags.GPS.GPSLongitude])
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if str(gps.get(ExifTags.GPS.GPSLatitudeRef, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(ExifTags.GPS.GPSLongitudeRef, "E")).upper().startswith("W"):
        lng = -lng
    if not (-180 <= lng <= 180 and -90 <= lat <= 90) or (lng == 0 and lat == 0):
        return None
    return lng, lat


def choose_position(
    *, lng: float | None, lat: float | None, crs: str, accuracy: float | None, photos: Sequence[UploadedFile]
) -> Position:
    """The device's position when it gave one, else the first photo's EXIF GPS; else 422 `position_required`."""
    if (lng is None) != (lat is None):
        raise InvalidInput(_("Give both longitude and latitude, or neither."), field="lng")
    if lng is not None and lat is not None:
        return Position(lng=lng, lat=lat, crs=crs, source="device", accuracy_m=accuracy)
    for photo in photos:
        found = exif_position(photo)
        if found is not None:
            return Position(lng=found[0], lat=found[1], crs="wgs84", source="photo")
    raise InvalidInput(
        _("The position is missing: allow the location on the phone, or take a photo with the location on."),
        code="position_required",
        field="lng",
    )


def report(
    *,
    actor: Actor,
    category_id: int | None,
    description: str,
    photos: Sequence[UploadedFile],
    lng: float | None = None,
    lat: float | None = None,
    crs: str = "wgs84",
    accuracy: float | None = None,
    address: str = "",
    idempotency_key: str | None = None,
    component: int | str | None = None,
) -> tuple[Case, bool, Position]:
    """Register an inspector's report; returns (case, created, the position used).

    Guarantees: the actor may register cases; at least one photo (at most MAX_PHOTOS), each a real
    image; a position from the device or a photo (else `position_required`); bad input of any kind
    leaves neither a case nor a stored file. The same Idempotency-Key with the same report (photos
    by content) returns the first case. `component` (id or code) names the city component the
    report is about, checked by `services.register` (near the position; its type when no category).
    """
    require(actor, "case.create")
    if actor.user is None:
        raise InvalidInput(_("Only a member of staff reports from the street."), code="not_a_person")
    if not photos:
        raise InvalidInput(
            _("Take at least one photo of the problem."), code="photo_required", field="photos"
        )
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput(
            _("At most %(count)d photos.") % {"count": MAX_PHOTOS}, code="too_many_photos", field="photos"
        )
    try:
        position = choose_position(lng=lng, lat=lat, crs=crs, accuracy=accuracy, photos=photos)
    except InvalidInput as exc:
        # A report about a city component without a position stands where the component stands.
        if exc.code != "position_required" or component in (None, ""):
            raise
        part = case_components.resolve(actor.jurisdiction.pk, component)
        if part.lng is None or part.lat is None:
            raise
        position = Position(lng=part.lng, lat=part.lat, crs="wgs84", source="component")
    person = actor.user
    with services.discard_on_error(), transaction.atomic():
        attachment_ids = [
            services.upload_attachment(actor=actor, upload=p, allowed=services.IMAGE_TYPES, field="photos").pk
            for p in photos
        ]
        case, created = services.register(
            actor=actor,
            request_type=RequestType.REPORT,
            channel=Channel.INSPECTOR,
            category_id=category_id,
            description=description,
            reporters=[{"name": person.full_name or person.username, "phone": person.mobile}],
            lng=position.lng,
            lat=position.lat,
            crs=position.crs,
            address=address,
            attachment_ids=attachment_ids,
            idempotency_key=idempotency_key,
            component=component,
        )
    return case, created, position
