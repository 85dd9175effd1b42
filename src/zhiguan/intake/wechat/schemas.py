"""Shapes of the WeChat account settings and of the notices a case's citizen was sent."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from zhiguan.schemas import MAX_ID, InputSchema


class WechatAccountIn(InputSchema):
    """Settings as on the platform's 服务器配置 page; a field left out is unchanged (secrets too)."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    appid: str | None = Field(default=None, min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_]+$")
    app_secret: str | None = Field(default=None, max_length=64, pattern=r"^[0-9A-Za-z_]*$")
    token: str | None = Field(default=None, min_length=3, max_length=32, pattern=r"^[0-9A-Za-z]+$")
    encoding_aes_key: str | None = Field(default=None, max_length=43, pattern=r"^[0-9A-Za-z]*$")
    mode: Literal["plain", "compatible", "safe"] | None = None
    template_id: str | None = Field(default=None, max_length=64, pattern=r"^[0-9A-Za-z_-]*$")
    api_base: str | None = Field(default=None, max_length=200, pattern=r"^https?://[^\s]+$")
    active: bool | None = None
    default_category_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class WechatAccountOut(Schema):
    configured: bool
    name: str = ""
    appid: str = ""
    mode: str = "plain"
    template_id: str = ""
    api_base: str = ""
    active: bool = False
    default_category_id: int | None = None
    has_app_secret: bool = False
    has_token: bool = False
    has_encoding_aes_key: bool = False
    callback_path: str = Field(description="the path to enter as URL on the WeChat platform")


class CitizenNoticeOut(Schema):
    id: int
    created_at: datetime
    sent_at: datetime | None
    purpose: str = Field(
        description="case_registered, case_in_progress, case_not_accepted, case_merged, case_answered, case_closed"
    )
    channel: str = Field(description="sms, wechat or outbox")
    address: str = Field(description="the phone or OpenID, masked")
    status: str = Field(
        description="queued, kept, sent, failed or opted_out (an SMS: the SMS outbox's state)"
    )
    text: str
    last_error: str
