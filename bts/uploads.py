"""Uploads are checked by what they contain, not by what they are called.

A signed form arrives as a scan or a PDF. Anything else is refused with a message next to the
field; nothing is stored until the whole file has passed.
"""

import hashlib
import io
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext_lazy as _

from .models import StoredFile, User

# The one limit for an uploaded file, in the handler below and in every message that names it.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What a signed paper form can be: a PDF from a scanner, or a photo of it.
SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}


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
        _check_pdf(content)
    else:
        _check_image(content)
    return CheckedUpload(content, content_type)


PDF_REFUSED = _("PDF-filen kan ikke brukes: den er skadet eller inneholder skript eller vedlegg.")
# A scanned form has no business running code or carrying other files. Where a PDF says so: a
# dictionary with one of these keys (scripts, attached files, XFA forms, rich media) ...
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/EmbeddedFiles", "/EF", "/XFA", "/RichMediaContent"}
)
# ... or an action of one of these kinds, wherever it hangs (the document's open action, a
# page's or a field's additional actions, a link, the next action of a chain).
PDF_ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/ImportData",
        "/SubmitForm",
        "/RichMediaExecute",
        "/Rendition",
        "/GoToE",
        "/GoToR",
    }
)
# A scan has a few objects per page; a structure of more is no scan.
PDF_MAX_OBJECTS = 100_000


def _check_pdf(content: bytes) -> None:
    """The PDF must open as one (pypdf parses its cross-references, its catalogue and every
    page), have a page, and carry no scripts, actions that run or fetch anything, or embedded
    files: every object reachable from the catalogue is looked at as parsed, so nothing hides
    in a compressed object stream, and a scan's image data is never mistaken for a name."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted or len(reader.pages) == 0 or _active(reader):
            raise ValidationError(PDF_REFUSED)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ValidationError(PDF_REFUSED) from exc


def _active(reader) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[tuple[int, int]] = set()
    todo = [reader.trailer.raw_get("/Root")]
    visited = 0
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            return True
        if isinstance(item, DictionaryObject):  # a stream's dictionary too, never its data
            if PDF_ACTIVE_KEYS & item.keys() or _resolved(item.get("/S")) in PDF_ACTIVE_ACTIONS:
                return True
            todo.extend(value for key, value in item.items() if key != "/Parent")
        elif isinstance(item, ArrayObject):
            todo.extend(item)
    return False


def _resolved(value):
    return value.get_object() if hasattr(value, "get_object") else value


class BoundedMemoryUploadHandler(FileUploadHandler):
    """Every uploaded file is held in memory (none is written to a temporary file), up to the one
    limit. A larger file is read to its end but not kept: it arrives empty, with its real size,
    so the form says it is too big instead of that no file came."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.file, self.received, self.too_big = io.BytesIO(), 0, False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > MAX_UPLOAD_BYTES and not self.too_big:
            self.too_big, self.file = True, io.BytesIO()
        if not self.too_big:
            self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _check_image(content: bytes) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        # verify() checks a PNG's structure but not a JPEG's data; load() decodes it all, within
        # Pillow's limit on pixels (a decompression bomb is refused, not decoded). A JPEG cut
        # short still loads: WeasyPrint lets Pillow pad truncated images, process-wide.
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
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
