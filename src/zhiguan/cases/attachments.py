"""Case attachments: stored first (pending), bound to a case by the registration or step that uses them."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from zhiguan.audit import services as audit
from zhiguan.cases.models import CaseAttachment
from zhiguan.errors import Forbidden, InvalidInput
from zhiguan.org.permissions import Actor

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_CONTENT_TYPES = (
    "image/jpeg",
    "image/png",
    "image/webp",
    "application/pdf",
    "video/mp4",
    "audio/mpeg",
)


@transaction.atomic
def upload_attachment(*, actor: Actor, upload: UploadedFile) -> CaseAttachment:
    """Store an uploaded file under MEDIA_ROOT, pending until a registration or an action binds it to a case."""
    if not (actor.can("case.create") or actor.can("case.act")):
        raise Forbidden(action="case.act")
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("The file is too large."), code="file_too_large", field="file")
    if upload.content_type not in ALLOWED_CONTENT_TYPES:
        raise InvalidInput(
            _("This kind of file is not accepted."),
            code="unsupported_file",
            field="file",
            allowed=list(ALLOWED_CONTENT_TYPES),
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(
        jurisdiction=actor.jurisdiction,
        name=(upload.name or "file")[:255],
        content_type=upload.content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}-{attachment.name}"[-100:], upload, save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="case.attachment_uploaded",
        target=attachment,
        after={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
    )
    return attachment
