from django.db import models
from django.utils.translation import gettext_lazy as _

from bts.audit import event_kinds


@event_kinds
class CaseAudit(models.TextChoices):
    """Audit events about cases: reads, changes, exports, archiving and deletion."""

    CASE_VIEWED = "case_viewed", _("Sak lest")
    CASE_CREATED = "case_created", _("Sak opprettet")
    CASE_CHANGED = "case_changed", _("Sak endret")
    CASE_DECIDED = "case_decided", _("Beslutning")
    REPORT_FILED = "report_filed", _("Melding til barnevernet")
    CHILD_SEARCHED = "child_searched", _("Søk etter barn")
    ANONYMOUS_DISCUSSION = "anonymous_discussion", _("Anonym drøfting")
    DOCUMENT_EXPORTED = "document_exported", _("Dokument lastet ned")
    CASE_ARCHIVED = "case_archived", _("Arkivpakke laget")
    CASE_ANONYMISED = "case_anonymised", _("Personopplysninger slettet")
    # A list of cases with the children's names (a leader's list behind a number): one event
    # per page shown, with the list and its filters, no case id.
    CASE_LIST_VIEWED = "case_list_viewed", _("Saksliste lest")
