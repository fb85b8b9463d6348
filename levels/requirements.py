"""What a guide may require of a step or a level: a closed vocabulary, so a guide file names
requirements the product knows how to check (cases.progress checks them against a case)."""

from django.utils.translation import gettext_lazy as _

# Of a step: each must hold before the step is done (or the holder records why it is skipped).
STEP: dict[str, str] = {
    "checklist": _("Alle punktene i sjekklisten er krysset av"),
    "meeting": _("Et møte er avtalt"),
    "minutes": _("Møtet er holdt og referatet skrevet"),
    "measure": _("Et tiltak med evalueringsdato er satt i gang"),
    "evaluation": _("Tiltakene er evaluert"),
    "consent": _("Et gyldig samtykke er registrert"),
    "offers": _("Tilbudene på nivået er registrert"),
}

# Of a level: "offers" — familiehjelpa, a coordinator, a barnekoordinator and an individual
# plan are offered (and the family's answer recorded) while the case is at the level.
LEVEL: dict[str, str] = {
    "offers": _("Tilby familiehjelpa, koordinator, barnekoordinator og individuell plan"),
}

# Requirements met by a fact of the case rather than a tick: an action that adds the fact
# (booking a meeting, writing its referat, adding a measure …) moves the case on by itself.
FACTS = frozenset(STEP) - {"checklist"}
