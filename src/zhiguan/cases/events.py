"""What cases tell the rest of the platform after a change has committed: ids, never objects.

`case_changed` is sent once per timeline event (a move, a registration, an annotation) after its
transaction commits, through the `cases.case_changed` task (in-process in the embedded set-up, a
Celery worker in production). Listeners receive `case_id`, `event_id` and `action`, open their own
transaction, and are called with `send_robust`: one failing listener is logged and never stops
the others. `cases` imports none of the apps that listen.
"""

from __future__ import annotations

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# kwargs: case_id, event_id, action (the event's action: listeners skip the moves they ignore).
case_changed = Signal()

# kwargs: case, event. Sent by `services._append_event` INSIDE the transaction that writes the
# timeline event, for listeners that must write in that same transaction (the integrated systems'
# callback outbox); a listener that raises rolls the change back. Keep listeners small.
case_event_recorded = Signal()


def notify_case_changed(*, case_id: int, event_id: int, action: str) -> None:
    """Call every listener of `case_changed`; a listener that raises is logged and skipped."""
    for receiver, result in case_changed.send_robust(
        sender="cases", case_id=case_id, event_id=event_id, action=action
    ):
        if isinstance(result, Exception):
            logger.error(
                "case_changed listener %r failed for case %s event %s",
                receiver,
                case_id,
                event_id,
                exc_info=result,
            )


# kwargs: jurisdiction_id, since, until (the registration times of what came in), count. Sent
# after an import of closed cases from a previous system commits (`services.import_history`):
# one signal for the batch, never one per case, for anything that keeps rollups of cases.
history_imported = Signal()
