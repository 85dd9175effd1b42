"""The dashboard hears every committed change of a case and of history imports (decision 090)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction

from zhiguan.cases.events import case_changed


def on_case_changed(sender: Any, *, case_id: int, **kwargs: Any) -> None:
    """Recompute the rollups of the case's registration day, then tell open screens."""
    from zhiguan.assessment.dashboard import live, rollups
    from zhiguan.cases.models import Case

    row = Case.objects.filter(pk=case_id).values("jurisdiction_id", "created_at").first()
    if row is None:
        return
    version = rollups.rebuild_days(
        jurisdiction_id=row["jurisdiction_id"], days=[rollups.local_day(row["created_at"])]
    )
    transaction.on_commit(lambda: live.publish(jurisdiction_id=row["jurisdiction_id"], version=version))


def on_history_imported(
    sender: Any, *, jurisdiction_id: int, since: datetime, until: datetime, **kwargs: Any
) -> None:
    """An import of closed cases: rebuild the days it covered, once for the batch."""
    from zhiguan.assessment.dashboard import live, rollups

    first, last = rollups.local_day(since), rollups.local_day(until)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    version = rollups.rebuild_days(jurisdiction_id=jurisdiction_id, days=days)
    transaction.on_commit(lambda: live.publish(jurisdiction_id=jurisdiction_id, version=version))


def connect() -> None:
    case_changed.connect(on_case_changed, dispatch_uid="dashboard.rollups")
    from zhiguan.cases import events

    imported = getattr(events, "history_imported", None)  # the history import (decision 093)
    if imported is not None:
        imported.connect(on_history_imported, dispatch_uid="dashboard.history")
