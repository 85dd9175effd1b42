"""The category taxonomy (三级分类) and the deadline profiles (办理时限) that categories point at.

Categories are retired, never deleted: a case keeps pointing at the category it was filed under,
so the category must keep its meaning (name, path, code) for as long as cases exist.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhiguan.tenancy.models import TenantModel


class DeadlineProfile(TenantModel):
    """How fast a kind of case must be accepted, handled and called back (normal and urgent)."""

    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    # Hours, not minutes: 0.5 h is the shortest time any 12345 rule we know of uses; 0 means
    # "answered at intake" (consultations).
    accept_hours = models.DecimalField(_("accept within (working hours)"), max_digits=6, decimal_places=2)
    handle_days = models.PositiveSmallIntegerField(_("handle within (working days)"))
    callback_days = models.PositiveSmallIntegerField(_("call back within (days)"))
    urgent_accept_hours = models.DecimalField(
        _("accept within when urgent (working hours)"), max_digits=6, decimal_places=2
    )
    urgent_handle_days = models.PositiveSmallIntegerField(_("handle within when urgent (working days)"))
    # The 数字城管 handling standards count in working hours (井盖缺失 2 工作时): when set, these
    # replace handle_days / urgent_handle_days for the handling stage.
    handle_hours = models.DecimalField(
        _("handle within (working hours)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    urgent_handle_hours = models.DecimalField(
        _("handle within when urgent (working hours)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    filing_condition = models.TextField(_("filing condition (立案条件)"), blank=True, default="")
    closing_condition = models.TextField(_("closing condition (结案条件)"), blank=True, default="")
    source = models.CharField(_("source"), max_length=255, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("deadline profile")
        verbose_name_plural = _("deadline profiles")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="deadline_profile_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Scheme(models.TextChoices):
    """Which classification a category belongs to; the picker can prefer one (decision 060)."""

    HOTLINE = "12345", _("12345 hotline matters")
    CITY_MANAGEMENT = "city_management", _("City management components and events (数字城管)")


class Category(TenantModel):
    """One node of the three-level taxonomy: 一级分类 → 二级分类 → 三级分类."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=[(1, "1"), (2, "2"), (3, "3")])
    # Stable across renames and moves: cases, reports and integrations refer to it.
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=64)
    # Denormalised "城乡建设 / 城乡规划 / 违章建筑" and "csjs/cxgh/wzjz", rewritten by the services
    # whenever a name or a parent changes, so that the picker searches one row without joins.
    path_name = models.CharField(_("full name"), max_length=255, editable=False, default="")
    pinyin_initials = models.CharField(max_length=255, editable=False, default="", db_index=True)
    # Initials of each word of the node's own name ("路灯不亮" → "ld bl") and its full pinyin
    # ("ludengbuliang"), so that "ld", "bl" and "ludeng" all find it (decision 060).
    pinyin_words = models.CharField(max_length=255, editable=False, default="")
    pinyin_full = models.CharField(max_length=512, editable=False, default="")
    scheme = models.CharField(
        _("scheme"), max_length=16, choices=Scheme.choices, default=Scheme.HOTLINE, db_index=True
    )
    default_lead_department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("default lead department"),
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    deadline_profile = models.ForeignKey(
        DeadlineProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
        verbose_name=_("deadline profile"),
        help_text=_("Empty: use the parent's."),
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["level", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="category_code_unique"),
            # The services check these first (with a clear error); the database is the backstop.
            models.UniqueConstraint(fields=["parent", "name"], name="category_name_unique_in_parent"),
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                condition=models.Q(parent__isnull=True),
                name="category_root_name_unique",
            ),
        ]

    @staticmethod
    def data_scope_q(actor: Any, scope: str) -> models.Q:
        # The taxonomy is the jurisdiction's reference list: every data scope, even "only self",
        # sees all of it (an inspector reporting from the street picks a category like anyone).
        return models.Q()

    def __str__(self) -> str:
        return self.path_name or self.name

    @property
    def retired(self) -> bool:
        return self.retired_at is not None
