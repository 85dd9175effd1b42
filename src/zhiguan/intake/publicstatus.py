"""What the public sees of a case's progress: a few public statuses and plain steps, never the
internal workflow (returns, supervision, co-handling, approvals). Pure tables, no database."""

from __future__ import annotations

from zhiguan.cases.status import Status


class PublicStatus:
    """The public statuses (web i18n `citizen.status.<code>`): 已受理 / 处理中 / 已办结 / 已评价,
    plus 不予受理 and 已并案 for the two ways a report ends without being worked."""

    ACCEPTED = "accepted"  # 已受理
    IN_PROGRESS = "in_progress"  # 处理中
    DONE = "done"  # 已办结
    RATED = "rated"  # 已评价
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    MERGED = "merged"  # 已并案: the same problem is handled as another report


S = Status
P = PublicStatus
PUBLIC_STATUS: dict[str, str] = {
    S.REGISTERED: P.ACCEPTED,
    S.TO_DISPATCH: P.ACCEPTED,
    # From dispatch to verification the department has it, whatever the internal step
    # (a department returning it to the dispatcher is an internal dispute, not news for the citizen).
    S.DISPATCHED: P.IN_PROGRESS,
    S.RETURNED: P.IN_PROGRESS,
    S.IN_PROGRESS: P.IN_PROGRESS,
    S.EXTENSION_REQUESTED: P.IN_PROGRESS,
    S.SUSPENSION_REQUESTED: P.IN_PROGRESS,
    S.SUSPENDED: P.IN_PROGRESS,
    S.TO_VERIFY: P.IN_PROGRESS,
    S.VERIFIED: P.IN_PROGRESS,
    S.ANSWERED: P.DONE,
    S.CLOSED: P.DONE,
    S.CALLBACK_DONE: P.RATED,
    S.REJECTED: P.NOT_ACCEPTED,
    S.MERGED: P.MERGED,
}
OPEN_PUBLIC_STATUSES = frozenset({P.ACCEPTED, P.IN_PROGRESS})

# Timeline action → the plain step the citizen reads (web i18n `citizen.step.<code>`). Actions not
# listed (returns, supervision, escalation, co-handling, requests awaiting approval, notes, "me
# too") are not shown at all.
PUBLIC_STEP: dict[str, str] = {
    "register": "received",  # 收到您的反映
    "submit": "accepted",  # 已受理
    "answer": "answered",  # 已答复
    "reject": "not_accepted",  # 不予受理
    "dispatch": "dispatched",  # 已交承办单位
    "accept": "handling",  # 承办单位正在处理
    "approve_extension": "extended",  # 办理期限已延长
    "approve_suspension": "paused",  # 暂缓办理
    "resume": "resumed",  # 恢复办理
    "feed_back": "replied",  # 承办单位已答复
    "verify_pass": "verified",  # 现场核实已解决
    "verify_fail": "rework",  # 核实未解决，继续处理
    "close": "closed",  # 已办结
    "callback": "rated",  # 已评价
    "reopen": "reopened",  # 重新办理
    "merge": "merged",  # 与同一问题合并办理
}


def public_status(status: str) -> str:
    """The public status of an internal one (an unknown status reads as in progress, never leaks)."""
    return PUBLIC_STATUS.get(status, P.IN_PROGRESS)


def public_steps(events: list[tuple[object, str, str]]) -> list[dict[str, object]]:
    """(at, action, to_status) in order → the public steps, a step repeated in a row shown once."""
    steps: list[dict[str, object]] = []
    for at, action, to_status in events:
        step = PUBLIC_STEP.get(action)
        if step is None or (steps and steps[-1]["step"] == step):
            continue
        steps.append({"at": at, "step": step, "status": public_status(to_status)})
    return steps
