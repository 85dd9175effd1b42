"""City components (城市部件) after CJ/T 214 / GB/T 30428.2: manhole covers, street lamps, hydrants …

Each component is of one 部件 小类 of the national classification (a `taxonomy.Category` of the
city-management scheme, code "DCM-P-0101"), stands at a point, belongs to an owner department (权属
单位) and is kept by a maintainer (养护单位). Its code is the administrative code + 大类 + 小类 +
serial (`zhiguan.components.codes`). A case may name the component it is about.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zhiguan.geo.models import Located
from zhiguan.registries.models import RegistryHistory, RegistryRecord


class ComponentState(models.TextChoices):
    NORMAL = "normal", _("normal")  # 完好
    DAMAGED = "damaged", _("damaged")  # 破损
    LOST = "lost", _("lost")  # 丢失
    REMOVED = "removed", _("removed")  # 移除


class Component(RegistryRecord, Located):
    code = models.CharField(_("component code"), max_length=24)
    category = models.ForeignKey(
        "taxonomy.Category", on_delete=models.PROTECT, related_name="+", verbose_name=_("component type")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)  # "文泽路88号东侧雨水井盖"
    owner = models.ForeignKey(
        "org.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("owner department")
    )
    maintainer = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("maintainer"),
    )
    maintainer_name = models.CharField(_("maintainer (outside the platform)"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ComponentState.choices, default=ComponentState.NORMAL
    )
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    history = HistoricalRecords(bases=[RegistryHistory])

    class Meta:
        verbose_name = _("city component")
        verbose_name_plural = _("city components")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "code"], name="components_code_unique")
        ]
        indexes = [models.Index(fields=["jurisdiction", "owner", "state"], name="components_owner_state")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()

    @staticmethod
    def data_scope_q(actor: Any, scope: str) -> models.Q:
        """A department (tree) sees and manages the components it owns or maintains; the whole
        jurisdiction sees all. "Only self" (an inspector on the street) sees them all too: street
        furniture is in plain sight, and an inspector names the one a problem is about."""
        from zhiguan.org.models import DataScope

        if scope in (DataScope.JURISDICTION, DataScope.SELF):
            return models.Q()
        dept = getattr(actor, "department", None)
        if dept is None:
            return models.Q(pk__in=[])
        if scope == DataScope.DEPARTMENT_TREE:
            return models.Q(owner__path__startswith=dept.path) | models.Q(
                maintainer__path__startswith=dept.path
            )
        return models.Q(owner_id=dept.pk) | models.Q(maintainer_id=dept.pk)
