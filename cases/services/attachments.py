"""Files attached to a case: report photos, resolution evidence, minutes."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile

from cases.models import Attachment, Case

# A report's photos, as the phone takes them: the form checks these before upload (in the browser)
# and on arrival (the server). A phone photo is 2–6 MB; ten make a report too big to send on a
# weak signal, and a photo beyond 10 MB is not a phone photo.
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/heif")
MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9


def store_files(case: Case, files: Iterable[UploadedFile], *, purpose: str, actor) -> list[Attachment]:
    """Store each upload against the case; return the new attachments."""
    return [
        Attachment.objects.create(
            case=case,
            file=upload,
            original_name=upload.name[:200],
            content_type=getattr(upload, "content_type", "") or "",
            size=upload.size or 0,
            purpose=purpose,
            uploaded_by=actor,
        )
        for upload in files
    ]


def attach_files(case: Case, files: Iterable[UploadedFile], *, purpose: str, actor) -> list[int]:
    """Store each upload against the case; return the new attachments' ids."""
    return [attachment.pk for attachment in store_files(case, files, purpose=purpose, actor=actor)]
