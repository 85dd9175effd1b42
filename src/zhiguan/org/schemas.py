from datetime import datetime

from ninja import Field, Schema


class LoginIn(Schema):
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


class DepartmentIn(Schema):
    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    kind: str
    parent_id: int | None = None
    duty_phone: str = Field("", max_length=20)


class DepartmentPatch(Schema):
    name: str | None = Field(None, max_length=64)
    duty_phone: str | None = Field(None, max_length=20)
    leader_id: int | None = None
    clear_leader: bool = False
    reason: str = Field("", max_length=255)


class DepartmentMoveIn(Schema):
    parent_id: int | None
    reason: str = Field("", max_length=255)


class DepartmentActiveIn(Schema):
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


class PersonIn(Schema):
    username: str = Field(min_length=1, max_length=150)
    full_name: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)
    role_codes: list[str] = Field(min_length=1)
    department_id: int | None = None
    mobile: str = Field("", max_length=20)


class PersonPatch(Schema):
    full_name: str | None = Field(None, max_length=64)
    department_id: int | None = None
    role_codes: list[str] | None = None
    mobile: str | None = Field(None, max_length=20)
    is_active: bool | None = None
    reason: str = Field("", max_length=255)


class RevealIn(Schema):
    reason: str = Field(min_length=1, max_length=255)


class PersonRevealOut(Schema):
    mobile: str


class ClientIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    kind: str
    scopes: list[str]


class ClientOut(Schema):
    id: int
    name: str
    kind: str
    scopes: list[str]
    active: bool


class TokenIn(Schema):
    expires_at: datetime | None = None


class TokenOut(Schema):
    prefix: str
    token: str
    expires_at: datetime | None
