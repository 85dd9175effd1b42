"""The case list's filters: one definition for the list, the export, the counts and the queries."""

from __future__ import annotations

from datetime import date

from ninja import Field

from zhiguan.schemas import Code, ParamsSchema


class CaseFilter(ParamsSchema):
    """Which cases: every field narrows the list (a category matches its descendants too)."""

    status: list[Code] | None = Field(None, max_length=30)
    warning_level: Code | None = None
    department_id: int | None = None
    category_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None
    grid_id: int | None = None
    channel: Code | None = None
    request_type: Code | None = None
    created_from: date | None = None
    created_to: date | None = None
    q: str | None = Field(None, max_length=100)
    # "My reports": the cases the person asking registered themselves (an inspector's 上报).
    reported_by_me: bool | None = None
    # "To verify": the cases assigned to the person asking for on-site verification.
    verifier_is_me: bool | None = None
    # The cases about one city component (城市部件): by its id, or by its code.
    component: int | None = Field(None, ge=1)
    component_code: str | None = Field(None, max_length=32)
