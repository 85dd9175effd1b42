"""HTTP API of intake. Two routers, mounted by `zhiguan.api` before the cases router so that the
URLs are those the console and the citizen pages have always used:

- `router`, public (no log-in, its own throttle bucket), at /api/v1/cases/public/: follow, rate,
  categories, areas, submit;
- `staff_router`, at /api/v1/cases/: the rating link staff fetch for a closed case.
"""

from __future__ import annotations

from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.throttling import BaseThrottle

from zhiguan.intake import citizen, portal
from zhiguan.intake.schemas import (
    CallbackLinkOut,
    FollowIn,
    PublicCaseOut,
    PublicCategoryOut,
    PublicSubmitIn,
    PublicSubmitOut,
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
    return {"number": case.number, "status": case.status, "callback_result": case.callback_result}


# Ninja's marker for an optional multipart file field.
OPTIONAL_PHOTO = File(None)


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
) -> dict:
    return portal.public_areas(jurisdiction_code=jurisdiction, level=level, crs=crs)


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
    case, created = portal.submit(
        **payload.dict(exclude={"jurisdiction"}),
        jurisdiction_code=payload.jurisdiction,
        photo=photo,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return Status(201 if created else 200, {"number": case.number, "status": case.status, "created": created})


@staff_router.post(
    "/{number}/callback-link",
    response=CallbackLinkOut,
    summary="The signed link token with which the reporter rates the closed case (audited)",
)
def callback_link(request: ActorRequest, number: str) -> dict:
    return {"token": citizen.issue_callback_link(actor=request.auth, number=number)}
