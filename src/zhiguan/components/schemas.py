from __future__ import annotations

from datetime import date

from ninja import Schema


class ComponentOut(Schema):
    """A component as a map picker and a case page show it."""

    id: int
    code: str
    name: str
    category_id: int
    category_code: str  # the standard's 小类 code, "0101"
    category_name: str
    state: str
    state_label: str
    owner_id: int
    owner_name: str
    maintainer_id: int | None
    maintainer_name: str  # the maintaining department's name, or the outside unit's
    lng: float | None
    lat: float | None
    address: str
    installed_on: date | None
    retired: bool


class NearbyOut(ComponentOut):
    distance_m: float


class ComponentTypeOut(Schema):
    id: int
    code: str  # "0101"
    category_code: str  # "DCM-P-0101"
    name: str
    major_code: str
    major_name: str
