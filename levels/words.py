"""The guide's own words: the product's name, and the word for the concern, in the forms the
texts need. Texts never spell "BTS" or "undring": they take these, so a municipality that says
"BTI" and "uro" sees its own words everywhere (pages, e-mails, PDFs)."""

from dataclasses import dataclass

from django.db import DatabaseError
from django.utils.functional import lazy

from .models import Guide


@dataclass(frozen=True)
class Words:
    product: str  # BTS
    product_long: str  # bedre tverrfaglig samarbeid
    concern: str  # undring
    concern_definite: str  # undringen
    concern_plural: str  # undringer
    concern_compound: str  # undrings (as in "undringssamtale")

    @property
    def Concern(self) -> str:
        return _capital(self.concern)

    @property
    def Concern_definite(self) -> str:
        return _capital(self.concern_definite)

    @property
    def Concern_plural(self) -> str:
        return _capital(self.concern_plural)

    @property
    def Concern_compound(self) -> str:
        return _capital(self.concern_compound)

    def as_dict(self) -> dict[str, str]:
        """Every form by name, for `%(concern)s`-style formatting of translated text."""
        names = ("product", "product_long", "concern", "concern_definite", "concern_plural")
        forms = {name: getattr(self, name) for name in (*names, "concern_compound")}
        return forms | {
            "Concern": self.Concern,
            "Concern_definite": self.Concern_definite,
            "Concern_plural": self.Concern_plural,
            "Concern_compound": self.Concern_compound,
        }


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


# The words of a guide that names none of its own (the defaults of the guide file format).
DEFAULTS = {
    "nb": {
        "concern": "undring",
        "concern_definite": "undringen",
        "concern_plural": "undringer",
        "concern_compound": "undrings",
    },
    "nn": {
        "concern": "undring",
        "concern_definite": "undringa",
        "concern_plural": "undringar",
        "concern_compound": "undrings",
    },
}
PRODUCT_DEFAULTS = {
    ("BTS", "nb"): "bedre tverrfaglig samarbeid",
    ("BTS", "nn"): "betre tverrfagleg samarbeid",
    ("BTI", "nb"): "bedre tverrfaglig innsats",
    ("BTI", "nn"): "betre tverrfagleg innsats",
}

FALLBACK = Words(
    product="BTS",
    product_long=PRODUCT_DEFAULTS["BTS", "nb"],
    **DEFAULTS["nb"],
)


def guide_words(guide: Guide | None) -> Words:
    if guide is None:
        return FALLBACK
    return Words(
        product=guide.product_name,
        product_long=guide.product_long_name,
        concern=guide.concern_word,
        concern_definite=guide.concern_word_definite,
        concern_plural=guide.concern_word_plural,
        concern_compound=guide.concern_word_compound,
    )


def current_words() -> Words:
    """The words of the guide in use (the process's cached copy: no query most of the time)."""
    from .selectors import active_guide  # selectors imports the models this module does

    return guide_words(active_guide())


def _word(name: str) -> str:
    try:
        words = current_words()
    except DatabaseError:
        # No guide can be read: the system checks read model choices' labels, also for a
        # command run without a database (`check --deploy`) or before `migrate` made the tables.
        words = FALLBACK
    return getattr(words, name)


# For texts defined at import time (model choices, form labels): read when shown.
word_lazy = lazy(_word, str)
