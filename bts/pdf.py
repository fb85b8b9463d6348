"""The one way BTS makes PDF documents: a Django template, rendered by WeasyPrint to PDF/A-2u.

Every document extends `templates/pdf/_base.html`, is styled by `static/css/print.css` and
set in the fonts shipped in `static/fonts/`. While rendering, WeasyPrint may load our own
static files and nothing else (`StaticFileFetcher`): no network, no `file:` or `data:` URLs,
nothing outside the static folders.
"""

import logging
import mimetypes
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

logger = logging.getLogger(__name__)

# PDF/A-2, level U: self-contained for the archive (fonts embedded, sRGB output intent, XMP
# metadata), and every glyph maps to Unicode, so the archived text can be searched and copied.
# Part 2, not 3: Norwegian deposit rules accept PDF/A-1 and PDF/A-2, and part 3's only gain,
# arbitrary embedded files, is what an archive must not receive. The archive package carries
# separate documents in its zip instead.
PDF_VARIANT = "pdf/a-2u"

# Documents are rendered against this base URL, so `{% static %}` paths resolve to it. `.invalid`
# can never resolve (RFC 6761); the fetcher answers for it from disk and never asks a network.
# (A link in a document must therefore be absolute, built from BTS_BASE_URL.)
DOCUMENT_BASE_URL = "https://bts.invalid/"


def _active_language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@dataclass(frozen=True, kw_only=True)
class DocumentMeta:
    """What a document says about itself: shown in its page margins and stored as metadata."""

    title: str
    # The service or municipality that produces the document.
    author: str
    # The case reference, e.g. "Sak 123".
    subject: str
    municipality: str
    created: datetime = field(default_factory=timezone.now)
    # The language the document is written in: the one active while it is made (the
    # municipality's language form, levels.language), in <html lang> and the PDF's metadata.
    language: str = field(default_factory=_active_language)
    # In the Info dictionary and XMP (`CreatorTool`): the application that made the document,
    # by the name the municipality gives it (its guide's product name).
    generator: str = ""

    def created_w3c(self) -> str:
        """The creation time in the W3C date format WeasyPrint writes to XMP and /CreationDate."""
        created = self.created
        if timezone.is_naive(created):
            created = timezone.make_aware(created)
        return timezone.localtime(created).isoformat(timespec="seconds")


class RefusedURL(URLFetchingError):
    """A URL the PDF renderer will not load. WeasyPrint reports it and renders without it."""


def static_file_for(url: str) -> Path:
    """The static file (found as `collectstatic` would find it) that `url` names.

    Only URLs under STATIC_URL, resolved against the document base URL, name static files:
    anything else, and any path that tries to leave the static folders, is refused."""
    static = urlsplit(urljoin(DOCUMENT_BASE_URL, settings.STATIC_URL))
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise RefusedURL("not a valid URL") from error
    if (parts.scheme, parts.netloc) != (static.scheme, static.netloc) or parts.query:
        raise RefusedURL("only our own static files may be loaded")
    if not parts.path.startswith(static.path):
        raise RefusedURL("only our own static files may be loaded")
    relative = unquote(parts.path.removeprefix(static.path))
    segments = relative.split("/")
    if not relative or "\\" in relative or "\0" in relative or {"", ".", ".."} & set(segments):
        raise RefusedURL("not a plain path inside the static folders")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as error:
        raise RefusedURL("not a plain path inside the static folders") from error
    if not found or not Path(found).is_file():
        raise RefusedURL("no such static file")
    return Path(found)


def loggable_url(url: str) -> str:
    """The URL, short and without query: a `data:` URL or a query string may carry content."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"an invalid URL ({len(url)} characters)"
    if parts.scheme.lower() == "data":
        return f"data: URL ({len(url)} characters)"
    shown = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    shown = shown[:200] + ("…" if len(shown) > 200 else "")
    return shown + (" (with a query)" if parts.query else "")


class _ShortDataURLs(logging.Filter):
    """WeasyPrint names the URL it failed to load in its own messages too: shorten data: URLs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                loggable_url(arg) if isinstance(arg, str) and arg[:5].lower() == "data:" else arg
                for arg in record.args
            )
        return True


logging.getLogger("weasyprint").addFilter(_ShortDataURLs())


class StaticFileFetcher(URLFetcher):
    """Serves our own static files to WeasyPrint from disk and refuses every other URL."""

    def __init__(self) -> None:
        # No protocol for WeasyPrint's own fetching either, should anything ever reach it.
        super().__init__(allowed_protocols=(), fail_on_errors=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        try:
            path = static_file_for(url)
        except RefusedURL as refusal:
            logger.warning("PDF rendering refused to load %s: %s", loggable_url(url), refusal)
            raise
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


class _Renderer(threading.local):
    """What documents rendered on one thread share: above all the font configuration, whose
    making (the system's font list, then our four font files) is a large part of a document's
    time. One per thread, because it wraps Fontconfig and Pango objects that two threads must
    not use at once."""

    def __init__(self) -> None:
        self.fetcher = StaticFileFetcher()
        self.font_config = FontConfiguration()


_renderer = _Renderer()


def render_pdf(template_name: str, context: dict, *, meta: DocumentMeta, request=None) -> bytes:
    """Render a template that extends `pdf/_base.html` to a PDF/A-2u document.

    The template gets `context` and the document's metadata as `meta`. User text is escaped by
    the template engine as on every page."""
    html = render_to_string(template_name, {**context, "meta": meta}, request=request)
    source = HTML(string=html, base_url=DOCUMENT_BASE_URL, url_fetcher=_renderer.fetcher)
    document = source.render(font_config=_renderer.font_config, pdf_variant=PDF_VARIANT)
    # The metadata comes from `meta` itself, whatever a template does with its <head>.
    metadata = document.metadata
    metadata.title = meta.title
    metadata.authors = [meta.author]
    metadata.description = meta.subject
    metadata.created = metadata.modified = meta.created_w3c()
    metadata.lang = meta.language
    metadata.generator = meta.generator or None
    return document.write_pdf(pdf_variant=PDF_VARIANT)
