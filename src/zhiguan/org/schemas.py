from datetime import datetime

from ninja import Field, Schema

from zhiguan.schemas import Code, Id, InputSchema, Moment


class LoginIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)


class RoleOut(Schema):
    code: str
    name: str
    data_scope: str
    permissions: list[str]


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    is_staff: bool
    jurisdiction_code: str
    jurisdiction_name: str
    department_id: int | None
    department_name: str | None
    roles: list[str]
    permissions: dict[str, str]
    csrf_token: str


class DepartmentOut(Schema):
    id: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    duty_phone: str
    active: bool
    depth: int
    leader_id: int | None


class DepartmentIn(InputSchema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    kind: Code
    parent_id: Id | None = None
    duty_phone: str = Field("", max_length=20)


class DepartmentPatch(InputSchema):
    name: str | None = Field(None, max_length=64)
    duty_phone: str | None = Field(None, max_length=20)
    leader_id: Id | None = None
    clear_leader: bool = False
    reason: str = Field("", max_length=255)


class DepartmentMoveIn(InputSchema):
    parent_id: Id | None
    reason: str = Field("", max_length=255)


class DepartmentActiveIn(InputSchema):
    active: bool
    reason: str = Field("", max_length=255)


class DepartmentChangeOut(Schema):
    kind: str
    at: datetime
    actor: str | None
    before: dict
    after: dict
    reason: str


class PersonOut(Schema):
    id: int
    username: str
    full_name: str
    department_id: int | None
    roles: list[str]
    mobile_masked: str
    is_active: bool


class PersonIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    role_codes: list[Code] = Field(min_length=1, max_length=20)
    department_id: Id | None = None
    mobile: str = Field("", max_length=20)


class PersonPatch(InputSchema):
    full_name: str | None = Field(None, max_length=64)
    department_id: Id | None = None
    role_codes: list[Code] | None = Field(None, max_length=20)
    mobile: str | None = Field(None, max_length=20)
    is_active: bool | None = None
    reason: str = Field("", max_length=255)


class PasswordResetIn(InputSchema):
    password: str = Field(min_length=1, max_length=128)
    reason: str = Field("", max_length=255)


class RevealIn(InputSchema):
    reason: str = Field(min_length=1, max_length=255)


class PersonRevealOut(Schema):
    mobile: str


class ClientIn(InputSchema):
    name: str = Field(min_length=1, max_length=64)
    kind: Code
    scopes: list[Code] = Field(max_length=200)


class ClientOut(Schema):
    id: int
    name: str
    kind: str
    scopes: list[str]
    active: bool


class TokenIn(InputSchema):
    expires_at: Moment | None = None


class TokenOut(Schema):
    prefix: str
    token: str
    expires_at: datetime | None


# ---- grid duty (org.duty) ------------------------------------------------------------------------


class GridDutyOut(Schema):
    grid_id: int
    grid_code: str
    grid_name: str
    grid_label: str
    person_id: int
    person_name: str
    since: datetime


class GridDutyIn(InputSchema):
    """Who is on duty for the grid; null: nobody (cases wait for the dispatcher)."""

    person_id: Id | None
