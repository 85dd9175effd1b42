"""HTTP API of intake. Two routers, mounted by `zhiguan.api` before the cases router so that the
URLs are those the console and the citizen pages have always used:

- `router`, public (no log-in, its own throttle bucket), at /api/v1/cases/public/: follow, rate,
  districts, categories, areas, nearby reports, me too, published photos, submit;
- `staff_router`, at /api/v1/cases/: the rating link staff fetch for a closed case, publishing a
  repair photo on the case's public page.
"""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.throttling import BaseThrottle

from zhiguan import delivery
from zhiguan.cases import services
from zhiguan.intake import citizen, nearby, portal
from zhiguan.intake import field as field_reports
from zhiguan.intake.publicstatus import public_status
from zhiguan.intake.schemas import (
    CallbackLinkOut,
    DistrictOut,
    FieldReportIn,
    FieldReportOut,
    FollowIn,
    MeTooIn,
    MeTooOut,
    NearbyParams,
    NearbyReportOut,
    PublicCaseOut,
    PublicCategoryOut,
    PublicSubmitIn,
    PublicSubmitOut,
    PublishIn,
    PublishOut,
    RatingIn,
    RatingOut,
)
from zhiguan.network import client_address
from zhiguan.org.auth import ActorRequest
from zhiguan.throttling import AnonThrottle

router = Router(tags=["citizen"])
staff_router = Router(tags=["cases"])


def _throttle() -> list[BaseThrottle]:
    # Its own bucket per client address: the citizen pages do not share the log-in page's allowance.
    return [AnonThrottle("ZHIGUAN_CITIZEN_RATE", scope="citizen")]


@router.post(
    "/follow",
    auth=None,
    throttle=_throttle(),
    response=PublicCaseOut,
    summary="Follow a case by its number and the last four digits of the reporter's phone",
)
def follow(request: ActorRequest, payload: FollowIn) -> dict:
    return citizen.follow(
        number=payload.number, phone_last4=payload.phone_last4, source=client_address(request)
    )


@router.post(
    "/rate",
    auth=None,
    throttle=_throttle(),
    response=RatingOut,
    summary="Rate a closed case (满意 / 基本满意 / 不满意), by number + digits or by the link's token",
)
def rate(request: ActorRequest, payload: RatingIn) -> dict:
    case = citizen.rate(**payload.dict(), source=client_address(request))
    return {
        "number": case.number,
        "status": public_status(case.status),
        "callback_result": case.callback_result,
    }


# Ninja's marker for an optional multipart file field.
OPTIONAL_PHOTO = File(None)


@router.get(
    "/districts",
    auth=None,
    throttle=_throttle(),
    response=list[DistrictOut],
    summary="The districts this installation serves, by name",
)
def public_districts(request: ActorRequest) -> list[dict]:
    return portal.districts()


@router.get(
    "/nearby",
    auth=None,
    throttle=_throttle(),
    response=list[NearbyReportOut],
    summary="Reports already made near a point: category, public status, day, approximate point",
)
def public_nearby(request: ActorRequest, params: Query[NearbyParams]) -> list[dict]:
    return nearby.nearby(
        jurisdiction_code=params.jurisdiction,
        lng=params.lng,
        lat=params.lat,
        crs=params.crs,
        radius=params.radius,
    )


@router.post(
    "/reports/{report_id}/me-too",
    auth=None,
    throttle=_throttle(),
    response=MeTooOut,
    summary="我也遇到了这个问题: one more citizen meets a reported problem (once per phone or device)",
)
def public_me_too(request: ActorRequest, report_id: int, payload: MeTooIn) -> dict:
    return nearby.me_too(
        jurisdiction_code=payload.jurisdiction, case_id=report_id, device=payload.device, phone=payload.phone
    )


@router.get(
    "/photos/{token}",
    auth=None,
    throttle=_throttle(),
    summary="A repair photo the handling department published on the case's public page",
)
def public_photo(request: ActorRequest, token: str) -> FileResponse:
    attachment = portal.published_photo(token=token)
    # The re-encoded copy: the camera's EXIF (position, device) stays with the staff's original.
    return FileResponse(services.public_file(attachment), content_type=attachment.content_type)


@router.get(
    "/categories",
    auth=None,
    throttle=_throttle(),
    response=list[PublicCategoryOut],
    summary="What a citizen may report about: level-1 and level-2 categories of a district",
)
def public_categories(request: ActorRequest, jurisdiction: str = Query(..., max_length=6)) -> list[dict]:
    return portal.public_categories(jurisdiction_code=jurisdiction)


@router.get(
    "/areas.geojson",
    auth=None,
    throttle=_throttle(),
    response=dict,
    summary="Public outlines of a district's streets (or communities) for the citizen's map",
)
def public_areas(
    request: ActorRequest,
    jurisdiction: str = Query(..., max_length=6),
    level: str = Query("street", max_length=16),
    crs: str = Query("wgs84", max_length=16),
) -> HttpResponse:
    document = portal.public_areas(jurisdiction_code=jurisdiction, level=level, crs=crs)
    # A phone keeps the outlines five minutes, then asks again and is answered 304 while unchanged.
    return delivery.cacheable_response(
        request,
        body=document.body,
        etag=document.etag,
        encoded=document.encoded,
        cache_control="public, max-age=300",
    )


@router.post(
    "/submit",
    auth=None,
    throttle=_throttle(),
    response={201: PublicSubmitOut, 200: PublicSubmitOut},
    summary="A citizen submits a request with an optional photo and location (multipart form)",
)
def submit(
    request: ActorRequest, payload: Form[PublicSubmitIn], photo: UploadedFile | None = OPTIONAL_PHOTO
) -> Status:
    case, created, photo_error = portal.submit(
        **payload.dict(exclude={"jurisdiction"}),
        jurisdiction_code=payload.jurisdiction,
        photo=photo,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    refused = {"code": photo_error.code, "message": str(photo_error.message)} if photo_error else None
    body = {"number": case.number, "status": case.status, "created": created, "photo_refused": refused}
    return Status(201 if created else 200, body)


@staff_router.post(
    "/{number}/callback-link",
    response=CallbackLinkOut,
    summary="The signed link token with which the reporter rates the closed case (audited)",
)
def callback_link(request: ActorRequest, number: str) -> dict:
    return {"token": citizen.issue_callback_link(actor=request.auth, number=number)}


@staff_router.post(
    "/attachments/{attachment_id}/publish",
    response=PublishOut,
    summary="Show (or hide) a repair photo on the case's public page: the lead department only (audited)",
)
def publish_photo(request: ActorRequest, attachment_id: int, payload: PublishIn) -> dict:
    attachment = services.set_published(
        actor=request.auth, attachment_id=attachment_id, published=payload.published
    )
    return {"id": attachment.pk, "published": attachment.published}


# Optional for Ninja, so that a report without a photo is told `photo_required` by the service.
PHOTOS = File(None, max_length=field_reports.MAX_PHOTOS)


@staff_router.post(
    "/field-reports",
    response={201: FieldReportOut, 200: FieldReportOut},
    summary="An inspector reports a problem from the street: photos, position, category (multipart form)",
)
def field_report(
    request: ActorRequest, payload: Form[FieldReportIn], photos: list[UploadedFile] | None = PHOTOS
) -> Status:
    case, created, position = field_reports.report(
        actor=request.auth,
        **payload.dict(),
        photos=photos or [],
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    body = {
        "number": case.number,
        "status": case.status,
        "created": created,
        "lng": case.lng,
        "lat": case.lat,
        "street_name": case.street.name if case.street is not None else None,
        "grid_name": case.grid.name if case.grid is not None else None,
        "position_source": position.source,
    }
    return Status(201 if created else 200, body)
