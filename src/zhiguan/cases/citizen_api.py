"""Public HTTP API for citizens (no log-in), mounted under /api/v1/cases/public/: follow and rate a case."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.throttling import AnonRateThrottle

from zhiguan.cases import citizen, public_intake
from zhiguan.cases.schemas import FollowIn, PublicCaseOut, RatingIn, RatingOut
from zhiguan.schemas import MAX_ID

router = Router(tags=["citizen"])


class CitizenThrottle(AnonRateThrottle):
    # Its own bucket: the citizen pages do not share the log-in page's allowance.
    scope = "citizen"


def _throttle() -> list[CitizenThrottle]:
    return [CitizenThrottle(getattr(settings, "ZHIGUAN_CITIZEN_RATE", "20/m"))]


@router.post(
    "/follow",
    auth=None,
    throttle=_throttle(),
    response=PublicCaseOut,
    summary="Follow a case by its number and the last four digits of the reporter's phone",
)
def follow(request: HttpRequest, payload: FollowIn) -> dict:
    return citizen.follow(number=payload.number, phone_last4=payload.phone_last4)


@router.post(
    "/rate",
    auth=None,
    throttle=_throttle(),
    response=RatingOut,
    summary="Rate a closed case (满意 / 基本满意 / 不满意), by number + digits or by the link's token",
)
def rate(request: HttpRequest, payload: RatingIn) -> dict:
    case = citizen.rate(**payload.dict())
    return {"number": case.number, "status": case.status, "callback_result": case.callback_result}


# Ninja's marker for an optional multipart file field.
OPTIONAL_PHOTO = File(None)


class PublicCategoryOut(Schema):
    id: int
    parent_id: int | None
    level: int
    name: str


class PublicSubmitIn(Schema):
    jurisdiction: str = Field(
        pattern=r"^\d{6}$", description="the district's administrative code, e.g. 330114"
    )
    request_type: str
    category_id: int = Field(ge=1, le=MAX_ID)
    description: str = Field(min_length=1, max_length=4000)
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=5, max_length=20)
    channel: str = "web"
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: str = "gcj02"
    address: str = Field("", max_length=255)


class PublicSubmitOut(Schema):
    number: str
    status: str
    created: bool


@router.get(
    "/categories",
    auth=None,
    throttle=_throttle(),
    response=list[PublicCategoryOut],
    summary="What a citizen may report about: level-1 and level-2 categories of a district",
)
def public_categories(request: HttpRequest, jurisdiction: str) -> list[dict]:
    return public_intake.public_categories(jurisdiction_code=jurisdiction)


@router.get(
    "/areas.geojson",
    auth=None,
    throttle=_throttle(),
    response=dict,
    summary="Public outlines of a district's streets (or communities) for the citizen's map",
)
def public_areas(request: HttpRequest, jurisdiction: str, level: str = "street", crs: str = "wgs84") -> dict:
    return public_intake.public_areas(jurisdiction_code=jurisdiction, level=level, crs=crs)


@router.post(
    "/submit",
    auth=None,
    throttle=_throttle(),
    response={201: PublicSubmitOut, 200: PublicSubmitOut},
    summary="A citizen submits a request with an optional photo and location (multipart form)",
)
def submit(
    request: HttpRequest, payload: Form[PublicSubmitIn], photo: UploadedFile | None = OPTIONAL_PHOTO
) -> Status:
    case, created = public_intake.submit(
        **payload.dict(exclude={"jurisdiction"}),
        jurisdiction_code=payload.jurisdiction,
        photo=photo,
        idempotency_key=request.headers.get("Idempotency-Key"),
    )
    return Status(201 if created else 200, {"number": case.number, "status": case.status, "created": created})
