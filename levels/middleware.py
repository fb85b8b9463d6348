from django.conf import settings
from django.utils import translation

from bts.middleware import family_language, family_municipality_id
from bts.selectors import home_municipality_id
from bts.tenancy import request_scope

from .language import municipality_enter


class LanguageFormMiddleware:
    """Serves every request in the language form of the municipality it works for (its
    guide's `language`), whatever the browser asks for: in place of Django's LocaleMiddleware,
    which would follow Accept-Language (decision 0061).

    `UserMunicipalityMiddleware` picks the municipality once the person is known, and reading
    a case moves to the case's. The municipality and the language are restored when the
    response is made, so a thread that serves a request keeps neither. Pages say which
    language they are in with `<html lang>` ({% get_current_language %}) and the
    Content-Language header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope(), translation.override(settings.LANGUAGE_CODE):
            response = self.get_response(request)
            language = translation.get_language()
        response.headers.setdefault("Content-Language", language)
        return response


class UserMunicipalityMiddleware:
    """After sign-in is known: the request works for the person's own municipality; before
    sign-in (or for the installation's administrator) for the installation's municipality if
    it has only one guide in use, else in bokmål."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A family's session works for the municipality the family signed in to.
        municipality_id = family_municipality_id(request)
        if municipality_id is None:
            municipality_id = home_municipality_id(getattr(request, "user", None))
        municipality_enter(municipality_id)
        # The family's pages speak the language the family chose (the log and the legal text
        # stay in the municipality's language form: content is not translated).
        if chosen := family_language(request):
            translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
