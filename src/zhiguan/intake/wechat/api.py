"""HTTP API of the WeChat channel for staff: the district's account settings (administrators) and
the notices sent about a case. The callback itself is `views.callback` (/wechat/<code>), outside
/api/v1: WeChat answers in its own format."""

from __future__ import annotations

from ninja import Router

from zhiguan.intake.wechat import queries, services
from zhiguan.intake.wechat.schemas import CitizenNoticeOut, WechatAccountIn, WechatAccountOut
from zhiguan.org.auth import ActorRequest

router = Router(tags=["wechat"])
notices_router = Router(tags=["cases"])


@router.get("/account", response=WechatAccountOut, summary="The district's WeChat Official Account settings")
def get_account(request: ActorRequest) -> dict:
    return queries.account_settings(request.auth)


@router.put(
    "/account", response=WechatAccountOut, summary="Set the district's WeChat Official Account (audited)"
)
def put_account(request: ActorRequest, payload: WechatAccountIn) -> dict:
    services.configure_account(actor=request.auth, changes=payload.model_dump(exclude_unset=True))
    return queries.account_settings(request.auth)


@notices_router.get(
    "/{number}/citizen-notices",
    response=list[CitizenNoticeOut],
    summary="Notices sent to the case's citizen (receipt, progress, rating link, answer)",
)
def case_notices(request: ActorRequest, number: str) -> list[dict]:
    return queries.case_notices(request.auth, number)
