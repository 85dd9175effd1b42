"""Case attachments: checked by content, stored (pending), bound later by the step that uses them.

A file is what its bytes say, never what the client's Content-Type or name say: the type is read
from the magic bytes (`filetype`), images are really decoded (Pillow) after their declared size is
checked against a pixel limit (a small file can declare 50,000 × 50,000), and anything else (HTML,
PHP, SVG, empty files) is refused with a stable code. A stored file whose registration or step
then fails is removed again (`discard_on_error`); uploads never bound to a case are purged after a
day by a periodic job (`purge_unbound`).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import warnings
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import filetype
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from zhiguan.audit import services as audit
from zhiguan.cases.errors import NotYourTask
from zhiguan.cases.models import CaseAttachment
from zhiguan.errors import Forbidden, InvalidInput, NotFound
from zhiguan.org.permissions import Actor

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
ALLOWED_CONTENT_TYPES = (*IMAGE_TYPES, "application/pdf", "video/mp4", "audio/mpeg")
# Pillow's own guard (a warning above the limit, an error above twice it) is set explicitly too.
Image.MAX_IMAGE_PIXELS = settings.ZHIGUAN_UPLOAD_MAX_PIXELS
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Files stored inside the current `discard_on_error` block (removed again when the block fails).
_stored: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("zhiguan_stored", default=None)


def sniff(
    upload: UploadedFile, *, allowed: tuple[str, ...] = ALLOWED_CONTENT_TYPES, field: str = "file"
) -> str:
    """The content type the file's bytes prove, or 422 `unsupported_file` / `empty_file` /
    `invalid_image` / `image_too_large` naming `field`."""
    head = upload.read(8192)
    upload.seek(0)
    if not head:
        raise InvalidInput(_("The file is empty."), code="empty_file", field=field)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in allowed:
        raise InvalidInput(
            _("This kind of file is not accepted."),
            code="unsupported_file",
            field=field,
            allowed=list(allowed),
        )
    if mime in IMAGE_TYPES:
        _check_image(upload, mime, field)
    return mime


def _check_image(upload: UploadedFile, mime: str, field: str) -> None:
    limit = settings.ZHIGUAN_UPLOAD_MAX_PIXELS
    too_large = InvalidInput(
        _("The picture has too many pixels (at most %(limit)d).") % {"limit": limit},
        code="image_too_large",
        field=field,
    )
    data = upload.read()
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[mime]]) as img:
                # The header's size, before any pixel is decoded.
                if img.size[0] * img.size[1] > limit:
                    raise too_large
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(_("The picture cannot be read."), code="invalid_image", field=field) from exc


@contextlib.contextmanager
def discard_on_error() -> Iterator[None]:
    """Files stored by `upload_attachment` inside this block are deleted again if the block raises
    (the database rows roll back with the caller's transaction; the disk must follow)."""
    token = _stored.set([])
    try:
        yield
    except BaseException:
        for name in _stored.get() or []:
            default_storage.delete(name)
        raise
    finally:
        _stored.reset(token)


@transaction.atomic
def upload_attachment(
    *,
    actor: Actor,
    upload: UploadedFile,
    allowed: tuple[str, ...] = ALLOWED_CONTENT_TYPES,
    field: str = "file",
) -> CaseAttachment:
    """Store an uploaded file under MEDIA_ROOT, pending until a registration or an action binds it.

    Refuses (422 naming `field`, nothing stored) files over the size limit, empty files, types
    not in `allowed` by their content, undecodable images and images over the pixel limit.
    """
    if not (actor.can("case.create") or actor.can("case.act")):
        raise Forbidden(action="case.act")
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput(_("The file is too large."), code="file_too_large", field=field)
    content_type = sniff(upload, allowed=allowed, field=field)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(
        jurisdiction=actor.jurisdiction,
        name=Path(upload.name or "file").name[:255] or "file",
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}-{attachment.name}"[-100:], upload, save=False)
    stored_name = str(attachment.file.name)
    stored = _stored.get()
    if stored is not None:
        stored.append(stored_name)
    try:
        attachment.save()
        audit.record(
            actor=actor,
            action="case.attachment_uploaded",
            target=attachment,
            after={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
        )
    except BaseException:
        default_storage.delete(stored_name)
        raise
    return attachment


def purge_unbound(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete uploads never bound to a case after `older_than` (rows and files); returns how many.

    Also removes files under the upload folder that no row names (left by a crash between the
    file write and the commit), once they are as old.
    """
    cutoff = timezone.now() - older_than
    removed = 0
    for attachment in CaseAttachment.objects.filter(case__isnull=True, uploaded_at__lt=cutoff).iterator():
        name = str(attachment.file.name)
        attachment.delete()
        default_storage.delete(name)
        removed += 1
    removed += _purge_orphan_files(cutoff - timedelta(days=7), cutoff)
    return removed


def _purge_orphan_files(since: datetime, until: datetime) -> int:
    """Files written between `since` and `until` that no attachment row names."""
    root = Path(settings.MEDIA_ROOT) / "cases"
    if not root.is_dir():
        return 0
    candidates = {
        path.relative_to(settings.MEDIA_ROOT).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and since.timestamp() <= path.stat().st_mtime < until.timestamp()
    }
    names = list(candidates)
    known: set[str] = set()
    for start in range(0, len(names), 500):
        known.update(
            CaseAttachment.objects.filter(file__in=names[start : start + 500]).values_list("file", flat=True)
        )
    for name in set(names) - known:
        candidates[name].unlink()
    return len(set(names) - known)


@transaction.atomic
def set_published(*, actor: Actor, attachment_id: int, published: bool) -> CaseAttachment:
    """Show (or hide again) one photo of a case on its public page: the citizen sees the repair.

    Only a handler of the case's lead department may do it (403 `not_your_task` otherwise, 404 for
    a file of a case outside the actor's jurisdiction), only for photos bound to a case (422
    `not_a_photo`); audited as `case.attachment_published` / `case.attachment_unpublished`.
    Publishing twice changes nothing and records nothing.
    """
    attachment = (
        CaseAttachment.objects.select_for_update()
        .select_related("case")
        .filter(pk=attachment_id, jurisdiction_id=actor.jurisdiction.pk, case__isnull=False)
        .first()
    )
    if attachment is None or attachment.case is None:
        raise NotFound()
    case = attachment.case
    if (
        not actor.can("case.act")
        or actor.department is None
        or case.lead_department_id != actor.department.pk
    ):
        raise NotYourTask()
    if attachment.content_type not in IMAGE_TYPES:
        raise InvalidInput(
            _("Only photos can be shown to the public."), code="not_a_photo", field="attachment_id"
        )
    if attachment.published == published:
        return attachment
    attachment.published = published
    attachment.save(update_fields=["published"])
    audit.record(
        actor=actor,
        action="case.attachment_published" if published else "case.attachment_unpublished",
        target=attachment,
        before={"published": not published},
        after={"published": published, "case": case.number},
    )
    return attachment
