from django.utils.functional import SimpleLazyObject

from levels.selectors import request_guide
from levels.words import guide_words

from .navigation import navigation_for


def layout(request):
    """What the base layout needs on every page: the municipality, the akutt box, the menu, and
    the guide's words (`{{ words.product }}`, `{{ words.concern }}` …) for every template.

    Lazy, so an htmx fragment that never shows the layout never queries for it."""
    return {
        "active_guide": SimpleLazyObject(lambda: request_guide(request)),
        "navigation": SimpleLazyObject(lambda: navigation_for(request)),
        "words": SimpleLazyObject(lambda: guide_words(request_guide(request))),
    }
