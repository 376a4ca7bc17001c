"""Files attached to a case: report photos, resolution evidence, minutes."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from cases.models import Attachment, Case
from cases.services.lifecycle import invalid

# A report's photos, as the phone takes them: the form checks these before upload (in the browser)
# and on arrival (the server). A phone photo is 2–6 MB; ten make a report too big to send on a
# weak signal, and a photo beyond 10 MB is not a phone photo.
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9
# A signed paper, scanned to PDF or photographed (调解协议书): the same limit as a photo.
DOCUMENT_TYPES = ("application/pdf", *PHOTO_TYPES)
MAX_DOCUMENT_BYTES = MAX_PHOTO_BYTES
MB = 1024 * 1024


def check_document(upload: UploadedFile, *, field: str) -> None:
    """Refuse a document that is not a PDF or a photo, or is larger than a photo may be."""
    if (getattr(upload, "content_type", "") or "") not in DOCUMENT_TYPES:
        raise invalid(field, _("“%(name)s”不是 PDF 或照片（JPEG、PNG、WebP 或 HEIC）") % {"name": upload.name})
    if (upload.size or 0) > MAX_DOCUMENT_BYTES:
        raise invalid(field, _("“%(name)s”超过 %(mb)s MB") % {"name": upload.name, "mb": MAX_DOCUMENT_BYTES // MB})


def attach_files(case: Case, files: Iterable[UploadedFile], *, purpose: str, actor) -> list[int]:
    """Store each upload against the case; return the new attachments' ids."""
    return [
        Attachment.objects.create(
            case=case,
            file=upload,
            original_name=upload.name[:200],
            content_type=getattr(upload, "content_type", "") or "",
            size=upload.size or 0,
            purpose=purpose,
            uploaded_by=actor,
        ).pk
        for upload in files
    ]
