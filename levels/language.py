"""The municipality's language form: bokmål ("nb") or nynorsk ("nn"), as its guide says.

The municipality decides, not the browser: every page, e-mail and document is in the language
form of the guide in use (docs/language.md, decision 0061). Requests get it from
`levels.middleware.LanguageFormMiddleware`; code that runs outside a request (the daily
commands that send e-mail and make archive packages, the demo data) activates it with
`municipality_language()`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from .selectors import active_guide


def language_form_for(guide) -> str:
    """The language form of `guide` (None: no guide is loaded), one of settings.LANGUAGES;
    settings.LANGUAGE_CODE when the guide names none or one BTS has no catalogue for."""
    language = getattr(guide, "language", "") or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        return settings.LANGUAGE_CODE
    return language


@contextmanager
def municipality_language():
    """Run the block (or, as a decorator, the function) in the language form of the guide in use.

    For code outside a request: a management command, a daily job. Inside a request the
    middleware has already activated the same language, so using it there changes nothing."""
    with translation.override(language_form_for(active_guide())):
        yield
