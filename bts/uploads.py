"""Uploads are checked by what they contain, not by what they are called.

A signed form arrives as a scan or a PDF. Anything else is refused with a message next to the
field; nothing is stored until the whole file has passed.
"""

import hashlib
import io
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from .models import StoredFile, User

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What a signed paper form can be: a PDF from a scanner, or a photo of it.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
# A scanned form has no business running code or carrying other files. The names can hide in
# compressed object streams, so this is a first filter; the download's headers are the wall.
PDF_ACTIVE_CONTENT = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)\b")


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Read and check an uploaded document; raise ValidationError (in Norwegian) if it is not a
    PDF, PNG or JPEG of at most 10 MB that is what it claims to be."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Filen er for stor. Største tillatte størrelse er 10 MB."))
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Filen er for stor. Største tillatte størrelse er 10 MB."))
    if not content:
        raise ValidationError(_("Filen er tom."))
    content_type = next(
        (kind for kind, magic in SIGNATURES.items() if content.startswith(magic)), None
    )
    if content_type is None:
        raise ValidationError(
            _("Filen må være en PDF eller et bilde (PNG eller JPEG) av det signerte skjemaet.")
        )
    if content_type == "application/pdf":
        if b"%%EOF" not in content[-2048:] or PDF_ACTIVE_CONTENT.search(content):
            raise ValidationError(
                _("PDF-filen kan ikke brukes: den er skadet eller inneholder skript eller vedlegg.")
            )
    else:
        _check_image(content)
    return CheckedUpload(content, content_type)


def _check_image(content: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("Bildet kan ikke leses. Last opp en PDF eller et nytt bilde.")
        ) from exc


def store_upload(checked: CheckedUpload, *, user: User) -> StoredFile:
    return StoredFile.objects.create(
        content=checked.content,
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=user,
    )


class DocumentField(forms.FileField):
    """A file field that cleans to a CheckedUpload (or None when left empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        return check_upload(upload) if upload else None
