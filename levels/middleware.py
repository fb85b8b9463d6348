from django.utils import translation

from .language import language_form_for
from .selectors import request_guide


class LanguageFormMiddleware:
    """Serves every request in the municipality's language form (its guide's `language`),
    whatever the browser asks for: in place of Django's LocaleMiddleware, which would follow
    Accept-Language (decision 0061).

    The language is active while the response is made, and the previous one is restored
    after, so a thread that serves a request does not keep it. Pages say which language they
    are in with `<html lang>` ({% get_current_language %}) and the Content-Language header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_form_for(request_guide(request))
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
