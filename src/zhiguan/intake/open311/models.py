"""Open311 GeoReport v2: the clients' API keys, the requests they filed, service attributes, updates.

The case itself is the cases app's; these tables only say which client filed it (and with which
token, media and attribute answers), so that the Open311 view of a case is answered from them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class Open311Key(TenantModel):
    """One client's API key for one jurisdiction (a FixMyStreet site, an app). Only the SHA-256 of
    the key is stored; `prefix` (the first characters) finds the row without scanning hashes."""

    name = models.CharField(_("name"), max_length=64)
    client = models.ForeignKey("org.ApiClient", on_delete=models.PROTECT, related_name="+")
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "name"], name="open311_key_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Datatype(models.TextChoices):
    STRING = "string", _("Text (one line)")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Text")
    SINGLEVALUELIST = "singlevaluelist", _("One of a list")
    MULTIVALUELIST = "multivaluelist", _("Several of a list")


class ServiceAttribute(TenantModel):
    """A question a client asks when filing a request of one category (GeoReport `attribute`).

    `values` is the list of {"key", "name"} for the list types.
    """

    category = models.ForeignKey("taxonomy.Category", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("code"), max_length=64)
    variable = models.BooleanField(default=True)
    datatype = models.CharField(max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(default=False)
    datatype_description = models.CharField(max_length=255, blank=True)
    order = models.PositiveIntegerField(default=0)
    description = models.CharField(_("description"), max_length=255)
    values = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("Open311 service attribute")
        verbose_name_plural = _("Open311 service attributes")
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_unique")]


class Open311Request(TenantModel):
    """A case filed through Open311: by which key, its token, media and attribute answers."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311")
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    media_url = models.URLField(max_length=1000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    email = models.EmailField(blank=True)
    account_id = models.CharField(max_length=64, blank=True)
    address_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class Open311Update(TenantModel):
    """A citizen's update posted by a client (FixMyStreet `servicerequestupdates` POST).

    `external_id` is the client's own id of the update (FixMyStreet's `update_id_ext`): the same
    one posted twice is the same update.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    key = models.ForeignKey(Open311Key, on_delete=models.PROTECT, related_name="+")
    external_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32, blank=True)
    external_status_code = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    email = models.EmailField(blank=True)
    name = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "external_id"], condition=~Q(external_id=""), name="open311_update_ext_unique"
            )
        ]
