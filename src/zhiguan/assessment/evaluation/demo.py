"""The demo district's evaluation: the month before last is published (通报) by the supervisor, last month is a draft."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from zhiguan.assessment.evaluation import services
from zhiguan.org.models import User
from zhiguan.org.permissions import Actor


def build_demo_evaluation(*, jurisdiction: Any) -> dict[str, Any]:
    user = User.objects.filter(jurisdiction=jurisdiction, username="supervisor").first()
    actor = Actor.for_user(user) if user else None
    if actor is None:
        return {"published": None}
    last = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    before = (last - timedelta(days=1)).replace(day=1)
    ranking = services.publish(actor=actor, month=before)
    ranked = [r for r in ranking.rows if r["ranked"]]
    top = ranked[0] if ranked else None
    return {
        "published": f"{before:%Y-%m}",
        "departments": len(ranking.rows),
        "ranked": len(ranked),
        "first": f"{top['department']} {top['score']:.1f} {top['grade']}" if top else "",
    }
