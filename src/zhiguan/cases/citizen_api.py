"""Public HTTP API for citizens (no log-in), mounted under /api/v1/cases/public/: follow and rate a case."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja import Router
from ninja.throttling import AnonRateThrottle

from zhiguan.cases import citizen
from zhiguan.cases.schemas import FollowIn, PublicCaseOut, RatingIn, RatingOut

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
