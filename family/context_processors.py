from django.conf import settings


def languages(request) -> dict:
    """The languages a family may choose for its pages (templates/family/_language.html), and
    where the header's name leads: on the family's pages to the family's own page, since every
    staff page is closed to a family's session."""
    from bts.middleware import FAMILY_PATH

    family_page = request.path.startswith(FAMILY_PATH)
    return {"family_languages": settings.FAMILY_LANGUAGES, "family_page": family_page}
