from django.db import models
from django.utils.translation import gettext_lazy as _

from bts.audit import event_kinds


@event_kinds
class FamilyAudit(models.TextChoices):
    FAMILY_SIGNED_IN = "family_signed_in", _("Familie logget inn med ID-porten")
    FAMILY_CASE_VIEWED = "family_case_viewed", _("Familien leste saken")
    FAMILY_DOCUMENT_EXPORTED = "family_document_exported", _("Familien lastet ned et dokument")
    FAMILY_CONTACT_CHANGED = "family_contact_changed", _("Familien endret e-post for varsler")
