"""A district's Official Account (its callback settings) and the conversations that become cases."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel

DEFAULT_API_BASE = "https://api.weixin.qq.com"


class Mode(models.TextChoices):
    # The three "消息加解密方式" of the platform's developer settings.
    PLAIN = "plain", _("Plain text")
    COMPATIBLE = "compatible", _("Compatible")
    SAFE = "safe", _("Safe (encrypted)")


class WechatAccount(TenantModel):
    """The district's Official Account as configured on the platform's developer page: the same
    Token, EncodingAESKey and mode must be entered on both sides."""

    name = models.CharField(_("name"), max_length=64)
    appid = models.CharField(_("AppID"), max_length=32)
    # Write-only in the API: used to fetch the access token for template messages.
    app_secret = models.CharField(_("AppSecret"), max_length=64, blank=True)
    token = models.CharField(_("token"), max_length=32)
    encoding_aes_key = models.CharField(_("EncodingAESKey"), max_length=43, blank=True)
    mode = models.CharField(_("encryption mode"), max_length=12, choices=Mode.choices, default=Mode.PLAIN)
    # The template message for progress (its fields: first, keyword1 number, keyword2 status,
    # keyword3 time, remark); empty: notices are kept in the outbox only.
    template_id = models.CharField(_("template id"), max_length=64, blank=True)
    # What a WeChat request is filed under until the intake operator classifies it.
    default_category = models.ForeignKey(
        "taxonomy.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("default category")
    )
    api_base = models.URLField(_("API base"), max_length=200, default=DEFAULT_API_BASE)
    active = models.BooleanField(_("active"), default=True)
    access_token = models.CharField(max_length=512, blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("WeChat Official Account")
        verbose_name_plural = _("WeChat Official Accounts")
        constraints = [models.UniqueConstraint(fields=["jurisdiction"], name="wechat_account_per_district")]

    def __str__(self) -> str:
        return self.name


class ConversationState(models.TextChoices):
    OPEN = "open", _("Being written")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")


class WechatConversation(TenantModel):
    """What one citizen (OpenID) has sent since the last request: text, photos, a location. It
    becomes a case on "提交" (or once a location follows a description); it expires when the
    citizen goes quiet for ZHIGUAN_WECHAT_CONVERSATION_MINUTES."""

    account = models.ForeignKey(WechatAccount, on_delete=models.CASCADE, related_name="conversations")
    openid = models.CharField(_("OpenID"), max_length=64)
    state = models.CharField(
        _("state"), max_length=10, choices=ConversationState.choices, default=ConversationState.OPEN
    )
    description = models.TextField(_("description"), blank=True)
    # [{"media_id", "pic_url", "attachment_id" (null when the photo could not be fetched)}]
    photos = models.JSONField(_("photos"), default=list, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    label = models.CharField(_("place"), max_length=200, blank=True)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("WeChat conversation")
        verbose_name_plural = _("WeChat conversations")
        indexes = [models.Index(fields=["account", "openid", "state"], name="wechat_conv_user_idx")]
        constraints = [
            # One draft per citizen at a time; submitted ones are kept (they link the case to the OpenID).
            models.UniqueConstraint(
                fields=["account", "openid"],
                condition=models.Q(state="open"),
                name="wechat_one_open_conversation",
            ),
        ]

    def __str__(self) -> str:
        return f"wechat conversation #{self.pk}"
