"""Taxonomy fixtures: a small tree built through the real services, and a database fingerprint."""

from __future__ import annotations

from typing import Any

import pytest

from zhiguan.audit.models import AuditRecord
from zhiguan.org.models import Department
from zhiguan.org.permissions import Actor
from zhiguan.org.services import create_department
from zhiguan.taxonomy import services
from zhiguan.taxonomy.models import Category, DeadlineProfile

ROWS = [
    ("城乡建设", "城市建设和市政管理", "路灯"),
    ("城乡建设", "城市建设和市政管理", "园林绿化"),
    ("城乡建设", "住房保障与房地产", "物业服务"),
    ("城乡建设", "安全生产", "安全隐患"),
    ("经济管理", "安全生产", "安全隐患"),
    ("环境保护", "环境污染", "噪声污染"),
]


def fingerprint() -> tuple[Any, ...]:
    """Every category and profile row, and the audit-record count: equal before and after = unchanged."""
    return (
        sorted(Category.objects.values_list()),
        sorted(DeadlineProfile.objects.values_list()),
        AuditRecord.objects.count(),
    )


@pytest.fixture
def bureau(system: Actor, root_department: Department) -> Department:
    return create_department(
        actor=system, code="CGJ", name="城市管理局", kind="bureau", parent_id=root_department.pk
    )


@pytest.fixture
def general(system: Actor) -> DeadlineProfile:
    return services.create_profile(
        actor=system,
        code="GENERAL",
        name="一般",
        accept_hours=2,
        handle_days=15,
        callback_days=3,
        urgent_accept_hours=0.5,
        urgent_handle_days=1,
    )


@pytest.fixture
def tree(system: Actor) -> dict[str, Category]:
    """The categories of ROWS, keyed by path name."""
    services.import_taxonomy(actor=system, rows=ROWS)
    return {c.path_name: c for c in Category.objects.filter(jurisdiction=system.jurisdiction)}
