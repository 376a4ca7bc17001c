"""Files attached to a case: report photos, resolution evidence, minutes."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.files.uploadedfile import UploadedFile

from cases.models import Attachment, Case


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
