from django.db import models
from django.utils.translation import gettext_lazy as _

from .audit import event_kinds


@event_kinds
class AccessAudit(models.TextChoices):
    """The foundation's audit events: signing in and refused attempts."""

    LOGIN_FAILED = "login_failed", _("Mislykket innlogging")
    ACCESS_REFUSED = "access_refused", _("Tilgang avvist")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Tofaktor satt opp")
    TWO_FACTOR_FAILED = "two_factor_failed", _("Feil engangskode")
    SIGNED_IN_EXTERNAL = "signed_in_external", _("Innlogget via kommunens innlogging")
    IDENTITY_LINKED = "identity_linked", _("Konto koblet til ekstern identitet")
    SIGN_IN_REFUSED = "sign_in_refused", _("Innlogging avvist")
