"""How BTS hands a file to the browser: always as a download, never rendered in a tab."""

from django.http import HttpResponse


def attachment_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """A file the browser saves rather than displays, so nothing in it can run in our origin.

    `filename` is ours (case number and date), never the uploader's, which could hold a name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Length"] = str(len(content))
    # Even if it were opened inline, it gets no script, no style, no frames.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
