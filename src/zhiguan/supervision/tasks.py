"""Background work of supervision: the sweep (escalations, then overdue notices), scheduled here.

The embedded scheduler (`zhiguan.periodic`) runs the same schedule as `celery -A zhiguan beat`.
"""

from __future__ import annotations

from django.conf import settings

from zhiguan.celery import app
from zhiguan.supervision import escalation, services


@app.task(name="supervision.sweep")
def sweep() -> dict[str, int]:
    """Escalate the stages red long enough, then flag the notices whose answer date passed unanswered.

    Returns how many of each this run did ({"escalated": n, "notices_flagged": m}); a second run
    right after does nothing new. Safe on several workers at once; also callable in-process.
    """
    escalated = escalation.escalate_overdue()
    flagged = services.flag_overdue_notices()
    return {"escalated": escalated, "notices_flagged": flagged}


app.add_periodic_task(
    settings.ZHIGUAN_SUPERVISION_SWEEP_SECONDS,
    app.signature("supervision.sweep"),
    name="supervision-sweep",
)
