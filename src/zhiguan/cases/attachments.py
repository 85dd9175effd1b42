"""Case attachments: checked by content, stored (pending), bound later by the step that uses them.

Every upload, whatever its door (staff upload, citizen portal, field report, WeChat, Open311),
goes through `check_upload`: a file is what its bytes say, never what the client's Content-Type or
name say. The type is read from the magic bytes (`filetype`); each type has its own byte limit
(`LIMITS`); a picture's pixel count is read from its header (Pillow opens lazily) and refused
before a single pixel is decoded, so a small file declaring 50,000 × 50,000 costs nothing; then
the picture is really decoded once. Anything else (HTML, PHP, SVG, an .exe named .jpg, empty
files) is refused with a stable code. Each refusal is an `InvalidInput` naming the field.

Pictures are kept twice: the original for staff, and a re-encoded copy for the public (the
citizen's page, Open311) without EXIF, so neither the position nor the device of the camera
leaks (`public_file`). Files live in `default_storage`: the file system by default, S3-compatible
storage when `ZHIGUAN_S3_BUCKET` is set (settings). A stored file whose registration or step
then fails is removed again (`discard_on_error`); uploads never bound to a case are purged after
a day by a periodic job (`purge_unbound`).
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from zhiguan.audit import services as audit
from zhiguan.cases.errors import NotYourTask
from zhiguan.cases.models import CaseAttachment
from zhiguan.errors import Forbidden, InvalidInput, NotFound
from zhiguan.org.permissions import Actor

MB = 1024 * 1024
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp")
ALLOWED_CONTENT_TYPES = (*IMAGE_TYPES, "application/pdf", "video/mp4", "audio/mpeg")
# Bytes per type: a phone photo is a few MB, a scanned letter a few more, a video clip of the
# problem (or a hotline recording) larger. Checked before anything is stored.
LIMITS: dict[str, int] = {
    "image/jpeg": 20 * MB,
    "image/png": 20 * MB,
    "image/webp": 20 * MB,
    "application/pdf": 20 * MB,
    "video/mp4": 100 * MB,
    "audio/mpeg": 30 * MB,
}
# No upload is read at all above the largest limit.
MAX_ATTACHMENT_BYTES = max(LIMITS.values())
# Pillow's own guard (a warning above the limit, an error above twice it) is set explicitly too.
Image.MAX_IMAGE_PIXELS = settings.ZHIGUAN_UPLOAD_MAX_PIXELS
_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# Where the public copy of a picture lives: beside nothing staff use, named after the original.
PUBLIC_PREFIX = "public/"

# Files stored inside the current `discard_on_error` block (removed again when the block fails).
_stored: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("zhiguan_stored", default=None)


@dataclass(frozen=True)
class CheckedFile:
    """What `check_upload` found: the type the bytes prove and, for a picture, its size in pixels."""

    content_type: str
    size: int
    width: int | None = None
    height: int | None = None


def check_upload(
    upload: UploadedFile, *, allowed: tuple[str, ...] = ALLOWED_CONTENT_TYPES, field: str = "file"
) -> CheckedFile:
    """The one check every upload passes, before anything is stored.

    422 naming `field` with code `file_too_large`, `empty_file`, `unsupported_file` (the bytes are
    no type in `allowed`), `invalid_image` (the picture cannot be decoded) or `image_too_large`
    (more pixels than ZHIGUAN_UPLOAD_MAX_PIXELS, from the header: never decoded).
    """
    size = upload.size
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise _too_large(field, MAX_ATTACHMENT_BYTES)
    upload.seek(0)
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
    if size is None or size > LIMITS[mime]:
        raise _too_large(field, LIMITS[mime])
    if mime in IMAGE_TYPES:
        width, height = _check_image(upload, mime, field)
        return CheckedFile(content_type=mime, size=size, width=width, height=height)
    return CheckedFile(content_type=mime, size=size)


def sniff(
    upload: UploadedFile, *, allowed: tuple[str, ...] = ALLOWED_CONTENT_TYPES, field: str = "file"
) -> str:
    """The content type the file's bytes prove (`check_upload`, its type only)."""
    return check_upload(upload, allowed=allowed, field=field).content_type


def _too_large(field: str, limit: int) -> InvalidInput:
    return InvalidInput(
        _("The file is too large (at most %(mb)d MB).") % {"mb": limit // MB},
        code="file_too_large",
        field=field,
        limit_bytes=limit,
    )


def _check_image(upload: UploadedFile, mime: str, field: str) -> tuple[int, int]:
    limit = settings.ZHIGUAN_UPLOAD_MAX_PIXELS
    too_large = InvalidInput(
        _("The picture has too many pixels (at most %(limit)d).") % {"limit": limit},
        code="image_too_large",
        field=field,
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=[_PILLOW_FORMATS[mime]]) as img:
                # `open` read the header only: the declared size, before any pixel is decoded.
                width, height = img.size
                if width * height > limit:
                    raise too_large
                img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_large from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise InvalidInput(_("The picture cannot be read."), code="invalid_image", field=field) from exc
    finally:
        upload.seek(0)
    return width, height


def public_name(stored_name: str) -> str:
    """The storage name of a picture's public copy."""
    return f"{PUBLIC_PREFIX}{stored_name}"


def public_copy(data: IO[bytes], content_type: str) -> bytes:
    """The picture re-encoded without its metadata: no EXIF (GPS position, camera, phone model,
    time), no XMP, no text chunks. Turned upright first, since the orientation tag goes too."""
    fmt = _PILLOW_FORMATS[content_type]
    with Image.open(data, formats=[fmt]) as img:
        upright = ImageOps.exif_transpose(img)
        if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        options: dict[str, object] = {"quality": 88} if fmt in ("JPEG", "WEBP") else {}
        # Saved from the pixels alone: Pillow writes no EXIF unless it is given one.
        upright.save(out, format=fmt, **options)
    return out.getvalue()


def _store_public_copy(attachment: CaseAttachment) -> str:
    name = public_name(str(attachment.file.name))
    with attachment.file.open("rb") as original:
        data = public_copy(original, attachment.content_type)
    default_storage.delete(name)  # a leftover of a crash would otherwise get another name
    return default_storage.save(name, ContentFile(data))


def public_file(attachment: CaseAttachment) -> IO[bytes]:
    """The file the public sees: a picture's stripped copy (made now for a picture stored before
    copies were kept), any other file as it is."""
    if attachment.content_type not in IMAGE_TYPES:
        return attachment.file.open("rb")
    name = public_name(str(attachment.file.name))
    if not default_storage.exists(name):
        name = _store_public_copy(attachment)
    return default_storage.open(name, "rb")


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
    """Store an uploaded file (and a picture's public copy), pending until a registration or an
    action binds it.

    Refuses (422 naming `field`, nothing stored) whatever `check_upload` refuses.
    """
    if not (actor.can("case.create") or actor.can("case.act")):
        raise Forbidden(action="case.act")
    checked = check_upload(upload, allowed=allowed, field=field)
    content_type = checked.content_type
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = CaseAttachment(
        jurisdiction=actor.jurisdiction,
        name=Path(upload.name or "file").name[:255] or "file",
        content_type=content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(f"{digest.hexdigest()[:16]}-{attachment.name}"[-100:], upload, save=False)
    stored_name = str(attachment.file.name)
    stored = _stored.get()
    names = [stored_name]
    if stored is not None:
        stored.append(stored_name)
    try:
        if content_type in IMAGE_TYPES:
            names.append(_store_public_copy(attachment))
            if stored is not None:
                stored.append(names[-1])
        attachment.save()
        audit.record(
            actor=actor,
            action="case.attachment_uploaded",
            target=attachment,
            after={"name": attachment.name, "size": attachment.size, "sha256": attachment.sha256},
        )
    except BaseException:
        for name in names:
            default_storage.delete(name)
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
        default_storage.delete(public_name(name))
        removed += 1
    removed += _purge_orphan_files(cutoff - timedelta(days=7), cutoff)
    return removed


def _purge_orphan_files(since: datetime, until: datetime) -> int:
    """Files written between `since` and `until` that no attachment row names (on the file
    system; an S3 bucket has its own lifecycle rules for that)."""
    if not isinstance(default_storage, FileSystemStorage):
        return 0
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
        default_storage.delete(public_name(name))
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
