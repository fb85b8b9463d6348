from django.db import models
from django.utils.translation import gettext_lazy as _

from bts.audit import event_kinds


@event_kinds
class InquiryAudit(models.TextChoices):
    """Audit events about familiehjelpa's inquiries (named by id in `detail`, never by content)."""

    INQUIRY_CREATED = "inquiry_created", _("Henvendelse registrert")
    INQUIRY_VIEWED = "inquiry_viewed", _("Henvendelse lest")
    INQUIRY_CHANGED = "inquiry_changed", _("Henvendelse endret")
