"""Request and response shapes of the public (citizen) API and of the staff rating-link endpoint."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from zhiguan.schemas import MAX_ID, Code, InputSchema, ParamsSchema


class FollowIn(InputSchema):
    number: str = Field(min_length=1, max_length=32)
    phone_last4: str = Field(max_length=4, pattern=r"^\d{4}$")


class PublicStepOut(Schema):
    at: datetime
    step: str = Field(description="a plain public step (received, dispatched, handling, replied, closed, …)")
    status: str = Field(description="the public status after the step")


class PublicPhotoOut(Schema):
    name: str
    url: str


class PublicCaseOut(Schema):
    number: str
    status: str = Field(description="accepted, in_progress, done, rated, not_accepted or merged")
    request_type: str
    category_name: str
    department: str = Field(description="the handling department, once the case has reached it")
    created_at: datetime
    closed_at: datetime | None
    timeline: list[PublicStepOut]
    photos: list[PublicPhotoOut] = Field(description="repair photos the department published")
    me_too_count: int
    reply: str
    callback_result: str
    can_rate: bool


class RatingIn(InputSchema):
    result: Code
    comment: str = Field("", max_length=500)
    number: str | None = Field(None, max_length=32)
    phone_last4: str | None = Field(None, max_length=4, pattern=r"^\d{4}$")
    token: str | None = Field(None, max_length=512)


class RatingOut(Schema):
    number: str
    status: str
    callback_result: str


class CallbackLinkOut(Schema):
    token: str


class PublicCategoryOut(Schema):
    id: int
    parent_id: int | None
    level: int
    name: str


class PublicSubmitIn(ParamsSchema):
    jurisdiction: str = Field(
        max_length=6, pattern=r"^\d{6}$", description="the district's administrative code, e.g. 330114"
    )
    request_type: Code
    category_id: int = Field(ge=1, le=MAX_ID)
    description: str = Field(min_length=1, max_length=4000)
    name: str = Field("", max_length=64, description="optional: recorded as 匿名 when left out")
    phone: str = Field(min_length=5, max_length=20)
    channel: Code = "web"
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: Code = "gcj02"
    address: str = Field("", max_length=255)


class PhotoRefusedOut(Schema):
    code: str
    message: str


class PublicSubmitOut(Schema):
    number: str
    status: str
    created: bool
    # The request was accepted without its photo, and why (None when the photo was kept or absent).
    photo_refused: PhotoRefusedOut | None = None


class DistrictOut(Schema):
    code: str
    name: str


class NearbyParams(ParamsSchema):
    jurisdiction: str = Field(max_length=6, pattern=r"^\d{6}$")
    lng: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    crs: Code = "wgs84"
    radius: int | None = Field(None, ge=1, le=2000, description="metres, 500 by default")


class NearbyReportOut(Schema):
    id: int
    category1_id: int
    category2_id: int | None
    category_name: str
    status: str
    open: bool
    reported_on: date
    lng: float = Field(description="approximate (the centre of an H3 cell of ~75 m), WGS-84")
    lat: float
    distance_m: int
    me_too_count: int


class MeTooIn(InputSchema):
    jurisdiction: str = Field(max_length=6, pattern=r"^\d{6}$")
    device: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9-]+$")
    phone: str = Field("", max_length=20, pattern=r"^[0-9+\-\s]*$")


class MeTooOut(Schema):
    created: bool
    me_too_count: int


class PublishIn(InputSchema):
    published: bool


class PublishOut(Schema):
    id: int
    published: bool


# ---- an inspector's report from the street (intake.field) ----------------------------------------


class FieldReportIn(ParamsSchema):
    """The multipart form of an inspector's report; the photos travel as `photos` files."""

    # May be left out when a component is named: the report is then of the component's type.
    category_id: int | None = Field(None, ge=1, le=MAX_ID)
    description: str = Field(min_length=1, max_length=4000)
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    accuracy: float | None = Field(
        None, ge=0, le=100000, description="the device's accuracy radius in metres"
    )
    address: str = Field("", max_length=255)
    # The city component (城市部件) the report is about: its id or its code.
    component: str | None = Field(None, max_length=32)


class FieldReportOut(Schema):
    number: str
    status: str
    created: bool
    lng: float | None
    lat: float | None
    street_name: str | None
    grid_name: str | None
    position_source: Literal["device", "photo", "component"]
