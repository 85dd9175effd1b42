"""Duplicate check at intake and on demand: ranked candidates with a score and the reasons.

The scorer is `scoring.score_candidates` (pure, decision 082); this module picks the candidates
(queries) and says which are probably the same problem. Merging is the case workflow's own
`merge` action (cases.services.perform), chosen by a person: nothing here merges by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from zhiguan.intelligence.duplicates import queries, scoring
from zhiguan.org.permissions import Actor, require
from zhiguan.taxonomy.models import Category

SHOWN = 5
MIN_SHOWN_SCORE = 0.3  # below this a candidate is noise to an operator


@dataclass
class Found:
    number: str
    status: str
    score: float
    duplicate: bool
    reasons: list[str]
    description: str

    def out(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "status": self.status,
            "score": round(self.score, 3),
            "duplicate": self.duplicate,
            "reasons": self.reasons,
            "summary": "，".join(self.reasons),
            "description": self.description[:200],
        }


def check(
    actor: Actor,
    *,
    text: str,
    lng: float | None = None,
    lat: float | None = None,
    category_id: int | None = None,
    phone: str = "",
    component_id: int | None = None,
    exclude_case_id: int | None = None,
) -> list[Found]:
    require(actor, "case.view")
    if not text.strip():
        return []
    category = (
        Category.objects.filter(pk=category_id, jurisdiction_id=actor.jurisdiction.pk)
        .values_list("path_name", flat=True)
        .first()
        if category_id
        else None
    )
    found = queries.candidates(
        actor, lng=lng, lat=lat, category_id=category_id, phone=phone, exclude_case_id=exclude_case_id
    )
    if not found:
        return []
    new = scoring.Request(
        text=text,
        time=timezone.now(),
        lat=lat,
        lng=lng,
        category=category or None,
        caller=phone or None,
        component=str(component_id) if component_id else None,
    )
    others = [
        scoring.Request(
            text=c.description,
            time=c.created_at,
            lat=c.lat,
            lng=c.lng,
            category=c.category or None,
            caller=phone if phone and phone in c.phones else (next(iter(c.phones)) if c.phones else None),
            component=str(c.component_id) if c.component_id else None,
        )
        for c in found
    ]
    matches = scoring.score_candidates(new, others)
    ranked = sorted(zip(found, matches, strict=True), key=lambda p: -p[1].score)
    return [
        Found(c.number, c.status, m.score, m.duplicate, m.reasons, c.description)
        for c, m in ranked[:SHOWN]
        if m.score >= MIN_SHOWN_SCORE
    ]
