"""视频确认: a dispatcher looks at a camera that sees the case, records it and dispatches (decision 073).

One transaction: a `video_confirm` timeline event naming the camera (code and name), then the usual
`dispatch` (routing suggestion unless departments are given). A refused dispatch (wrong status, stale
version) leaves no confirmation behind. Verification still follows the handling as usual; a dispatcher
verifying by camera uses `verify_pass`/`verify_fail` with method "camera" and the camera's code.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.cases import services
from zhiguan.cases.models import Case
from zhiguan.org.permissions import Actor, get_or_404, require
from zhiguan.video.models import Camera


def video_confirm(
    *,
    actor: Actor,
    case_id: int,
    camera_id: int,
    note: str = "",
    expected_version: int | None = None,
    lead_department_id: int | None = None,
    co_handler_ids: list[int] | None = None,
) -> Case:
    require(actor, "case.act")
    camera = get_or_404(actor, Camera.objects.filter(retired_at__isnull=True), "registry.view", pk=camera_id)
    payload: dict[str, Any] = {"camera_id": camera.pk, "camera_code": camera.code, "camera_name": camera.name}
    text = note.strip() or _("Confirmed on camera %(name)s.") % {"name": camera.name}
    with transaction.atomic():
        services.annotate(actor=actor, case_id=case_id, action="video_confirm", note=text, payload=payload)
        return services.perform(
            actor=actor,
            case_id=case_id,
            action="dispatch",
            expected_version=expected_version,
            note=text,
            lead_department_id=lead_department_id,
            co_handler_ids=co_handler_ids,
        )
