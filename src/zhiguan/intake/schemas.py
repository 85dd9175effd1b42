"""Request and response shapes of the public (citizen) API and of the staff rating-link endpoint."""

from datetime import datetime

from ninja import Field, Schema

from zhiguan.schemas import MAX_ID, Code, InputSchema, ParamsSchema


class FollowIn(InputSchema):
    number: str = Field(min_length=1, max_length=32)
    phone_last4: str = Field(max_length=4, pattern=r"^\d{4}$")


class PublicStepOut(Schema):
    at: datetime
    action: str
    status: str


class PublicCaseOut(Schema):
    number: str
    status: str
    request_type: str
    category_name: str
    created_at: datetime
    closed_at: datetime | None
    timeline: list[PublicStepOut]
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
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(min_length=5, max_length=20)
    channel: Code = "web"
    lng: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    crs: Code = "gcj02"
    address: str = Field("", max_length=255)


class PublicSubmitOut(Schema):
    number: str
    status: str
    created: bool
