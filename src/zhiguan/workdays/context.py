"""Template context: the years without a holiday table, for the red banner on the admin pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from zhiguan.workdays import queries


def calendar_warnings(request: HttpRequest) -> dict[str, Any]:
    """`calendar_missing_years`: this year and next, when they have no holiday table, for a logged-in person.

    Cheap: the calendar is cached per jurisdiction (one indexed query checks its version).
    """
    user = getattr(request, "user", None)
    jurisdiction_id = getattr(user, "jurisdiction_id", None)
    if user is None or not user.is_authenticated or jurisdiction_id is None:
        return {}
    return {"calendar_missing_years": queries.missing_years(jurisdiction_id, queries.actionable_years())}
