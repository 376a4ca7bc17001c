"""Files attached to a case: report photos, resolution evidence, minutes.

What an upload must pass before anything is stored (``clean_uploads``), in this order:

1. At most ``MAX_FILES`` files in one request, each more than zero and at most
   ``MAX_FILE_BYTES`` bytes (checked on the size the upload declares, before it is read).
2. Its type is read from its content (the ``filetype`` library's signatures), never from its
   name or the Content-Type the client sent, and must be on the purpose's allow-list: photos for
   a report, photos or PDF for evidence. A script named ``.jpg``, HTML named ``.pdf`` or an SVG
   (text, so no signature) is refused.
3. An image is decoded by Pillow and written again in its own format: what is stored is pixels
   only, with no EXIF (GPS position, phone model, time) and no trailing payload. Its size is read
   from the header first, so an image of more than ``MAX_IMAGE_PIXELS`` (a decompression bomb) is
   refused before it is decoded.
4. The case's files together stay within ``MAX_CASE_BYTES`` (``attach_files``, under the case's
   lock when called from a transition).

Stored names are generated (``<uuid>.<extension of the detected type>``): the uploaded name is
kept only as a label (``original_name``, stripped of any path), never as part of a path.
Every refusal is ``Invalid`` naming the field (400 on the API, the reason beside the field on
a page).
"""

from __future__ import annotations

import io
import unicodedata
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Sum
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cases.models import Attachment, Case
from cases.services.lifecycle import invalid

MB = 1024 * 1024
# A phone photo is 2–6 MB; one beyond 10 MB is not a phone photo. Nine make a report too big to
# send on a weak signal. A case's files together (report photos, evidence of each round) stay
# under 50 MB: the case file is printed and archived, not a file store.
MAX_FILE_BYTES = 10 * MB
MAX_FILES = 9
MAX_CASE_BYTES = 50 * MB
# A 50-megapixel phone camera takes 8160 × 6144; anything larger is not a photo, and a small
# file that claims more is a decompression bomb.
MAX_IMAGE_PIXELS = 64_000_000

# The allow-lists: MIME type → (extension, Pillow format or None for a non-image).
IMAGE_FORMATS = {"image/jpeg": ("jpg", "JPEG"), "image/png": ("png", "PNG"), "image/webp": ("webp", "WEBP")}
PHOTO_TYPES = tuple(IMAGE_FORMATS)
EVIDENCE_TYPES = (*PHOTO_TYPES, "application/pdf")
EXTENSIONS = {**{t: e for t, (e, _f) in IMAGE_FORMATS.items()}, "application/pdf": "pdf"}


@dataclass(frozen=True)
class CleanUpload:
    """An upload that passed the checks: the bytes to store (re-encoded for an image)."""

    content: bytes
    content_type: str
    original_name: str

    @property
    def stored_name(self) -> str:
        return f"{uuid.uuid4().hex}.{EXTENSIONS[self.content_type]}"


def display_name(name: str | None) -> str:
    """The uploaded name as a label: the last path segment, no control characters, 200 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().lstrip(".")
    return name[:200] or _("未命名文件")


def _too_many_pixels(label: str, field: str):
    message = _("“%(name)s”的像素超过 %(mp)s 百万，不是照片")
    return invalid(field, message % {"name": label, "mp": MAX_IMAGE_PIXELS // 1_000_000})


def _broken(label: str, field: str):
    return invalid(field, _("“%(name)s”无法作为图片打开，可能已损坏") % {"name": label})


def _reencoded(data: bytes, fmt: str, label: str, field: str) -> bytes:
    """The image's pixels written again by Pillow: upright, without EXIF or anything appended."""
    with warnings.catch_warnings():
        # Pillow's own bomb check warns below twice its limit; ours is stricter and comes first.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size  # from the header: nothing is decoded yet
                if width * height > MAX_IMAGE_PIXELS:
                    raise _too_many_pixels(label, field)
                if image.format != fmt:
                    raise _broken(label, field)
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(label, field) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise _broken(label, field) from None
    if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    out = io.BytesIO()
    options = {"quality": 85} if fmt in ("JPEG", "WEBP") else {}
    upright.save(out, format=fmt, **options)  # no exif=, icc_profile= or pnginfo=: pixels only
    return out.getvalue()


def clean_uploads(files: Iterable[UploadedFile], *, field: str, types: tuple[str, ...]) -> list[CleanUpload]:
    """Check and clean each upload (steps 1–3 above); raise ``Invalid`` naming ``field``."""
    files = list(files or [])
    if len(files) > MAX_FILES:
        raise invalid(field, _("一次最多上传%(count)s个文件") % {"count": MAX_FILES})
    cleaned = []
    for upload in files:
        label = display_name(getattr(upload, "name", ""))
        size = upload.size or 0
        if size == 0:
            raise invalid(field, _("“%(name)s”是空文件") % {"name": label})
        if size > MAX_FILE_BYTES:
            raise invalid(field, _("“%(name)s”超过 %(mb)s MB") % {"name": label, "mb": MAX_FILE_BYTES // MB})
        upload.seek(0)
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:  # the declared size was not the real one
            raise invalid(field, _("“%(name)s”超过 %(mb)s MB") % {"name": label, "mb": MAX_FILE_BYTES // MB})
        kind = filetype.guess_mime(data)
        if kind not in types:
            allowed = "、".join(EXTENSIONS[t].upper() for t in types)
            raise invalid(
                field,
                _("“%(name)s”的内容不是允许的类型（%(allowed)s）") % {"name": label, "allowed": allowed},
            )
        if kind in IMAGE_FORMATS:
            data = _reencoded(data, IMAGE_FORMATS[kind][1], label, field)
        cleaned.append(CleanUpload(content=data, content_type=kind, original_name=label))
    return cleaned


def case_bytes(case: Case) -> int:
    return case.attachments.aggregate(total=Sum("size"))["total"] or 0


def store_files(
    case: Case, uploads: Iterable[CleanUpload], *, purpose: str, actor, field: str, stored_bytes: int | None = None
) -> list[Attachment]:
    """Store the cleaned uploads against the case under generated names; return the new attachments.
    Refuses (``Invalid`` naming ``field``) what would take the case past ``MAX_CASE_BYTES``.
    ``stored_bytes``: what the case holds already, where the caller knows it (a case just filed
    holds nothing: no query on the filing path); else it is summed."""
    uploads = list(uploads)
    if not uploads:
        return []
    held = case_bytes(case) if stored_bytes is None else stored_bytes
    total = held + sum(len(u.content) for u in uploads)
    if total > MAX_CASE_BYTES:
        raise invalid(field, _("案件的附件合计不能超过 %(mb)s MB") % {"mb": MAX_CASE_BYTES // MB})
    return [
        Attachment.objects.create(
            case=case,
            file=ContentFile(upload.content, name=upload.stored_name),
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=len(upload.content),
            purpose=purpose,
            uploaded_by=actor,
        )
        for upload in uploads
    ]


def attach_files(case: Case, uploads: Iterable[CleanUpload], *, purpose: str, actor, field: str) -> list[int]:
    """Store the cleaned uploads against the case (:func:`store_files`); return the new ids."""
    return [attachment.pk for attachment in store_files(case, uploads, purpose=purpose, actor=actor, field=field)]
