"""Jurisdictions (tenants): several districts share one installation; every record belongs to one."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

admin_code_validator = RegexValidator(r"^\d{6}$", _("An administrative code has six digits, e.g. 330114."))


class Jurisdiction(models.Model):
    """A district (区/县) running on this installation, named by its administrative division code."""

    code = models.CharField(
        _("administrative code"), max_length=6, unique=True, validators=[admin_code_validator]
    )
    name = models.CharField(_("name"), max_length=64)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class TenantModel(models.Model):
    """Base of every domain record: it belongs to exactly one jurisdiction.

    Reads go through `zhiguan.org.permissions.restrict`, which always filters on this field.
    """

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction")
    )

    class Meta:
        abstract = True
