from django.conf import settings


def languages(request) -> dict:
    """The languages a family may choose for its pages (templates/family/_language.html)."""
    return {"family_languages": settings.FAMILY_LANGUAGES}
