"""The municipality's language form: bokmål ("nb") or nynorsk ("nn"), as its guide says.

The municipality decides, not the browser: every page, e-mail and document is in the language
form of the guide of the municipality the work is for (docs/language.md, decision 0061): the
signed-in person's own, or the case's (bts.tenancy). Requests get it from
`levels.middleware`; code that runs outside a request (the daily commands that send e-mail and
make archive packages, the demo data) enters a municipality with `municipality_language()`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.utils import translation

from bts.tenancy import current_municipality_id, in_municipality, in_request, municipality_switch

from .selectors import active_guide


def language_form_for(guide) -> str:
    """The language form of `guide` (None: no guide is loaded), one of settings.LANGUAGES;
    settings.LANGUAGE_CODE when the guide names none or one BTS has no catalogue for."""
    language = getattr(guide, "language", "") or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        return settings.LANGUAGE_CODE
    return language


def municipality_enter(municipality_id: int | None) -> None:
    """From here on, until the request ends, work for this municipality: its guide, words and
    language form (the middleware restores both when the response is made). Outside a request
    it does nothing: code there enters a municipality with `municipality_language`."""
    if not in_request():
        return
    municipality_switch(municipality_id)
    translation.activate(language_form_for(active_guide(municipality_id)))


@contextmanager
def municipality_language(municipality_id: int | None = None):
    """Run the block (or, as a decorator, the function) for `municipality_id` (None: the one in
    context), in its language form. For code outside a request: a management command, a daily
    job."""
    if municipality_id is None:
        municipality_id = current_municipality_id()
    language = language_form_for(active_guide(municipality_id))
    with in_municipality(municipality_id), translation.override(language):
        yield
