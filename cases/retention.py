"""Retention: after a case is archived, its personal data leaves the working system.

When the municipality's retention period (`BTS_RETENTION_DAYS` after archiving) has passed, a
case is anonymised in place: every text, name and document is deleted or emptied, and what
is left are the anonymous facts the statistics count (service, levels, dates, moves, how many
meetings and measures). The archive holds the case from then on. `manage.py apply_retention`
does it, writes one audit event per case, and can be run again and again: a case is done once.
A case changed after its package was made is left until a new package is made.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from bts import audit
from bts.models import StoredFile
from cases.events import CaseAudit

from .models import (
    Case,
    CaseUserGrant,
    ChildProtectionReport,
    Concern,
    Consent,
    ConsentAnswer,
    Coordination,
    Decision,
    Evaluation,
    Guardian,
    Handover,
    Measure,
    Meeting,
    MeetingAnswer,
    Minutes,
    RelayEntry,
    Watch,
    WideCollaboration,
)

# Other apps that keep personal data about a case (familiehjelpa, say) register how to remove it.
_ANONYMISERS: list[Callable[[Case], None]] = []


def anonymiser_register(anonymise: Callable[[Case], None]) -> None:
    if anonymise not in _ANONYMISERS:
        _ANONYMISERS.append(anonymise)


@dataclass
class RetentionRun:
    anonymised: list[int] = field(default_factory=list)
    changed_after_archiving: list[int] = field(default_factory=list)
    closed_not_archived: int = 0


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.BTS_RETENTION_DAYS)


def cases_due(now: datetime | None = None):
    """Archived cases whose retention period has ended and that are not anonymised yet."""
    return Case.objects.filter(
        anonymised_at__isnull=True,
        archived_at__isnull=False,
        archived_at__lte=retention_cutoff(now),
        status=Case.Status.CLOSED,
    )


def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    run = RetentionRun()
    due = cases_due(now)
    run.changed_after_archiving = list(
        due.filter(last_activity_at__gt=F("archived_at")).values_list("pk", flat=True)
    )
    for pk in due.filter(last_activity_at__lte=F("archived_at")).values_list("pk", flat=True):
        if case_anonymise(case_id=pk):
            run.anonymised.append(pk)
    run.closed_not_archived = Case.objects.filter(
        status=Case.Status.CLOSED,
        archived_at__isnull=True,
        anonymised_at__isnull=True,
        closed_at__lte=retention_cutoff(now),
    ).count()
    return run


@transaction.atomic
def case_anonymise(*, case_id: int) -> bool:
    """Delete or empty everything personal of one case; returns False if it was done already."""
    case = Case.objects.select_for_update().select_related("child").get(pk=case_id)
    if case.anonymised_at is not None:
        return False
    Concern.objects.filter(case=case).update(
        observation="", setting="", risk_factors="", protective_factors=""
    )
    RelayEntry.objects.filter(case=case).delete()
    Decision.objects.filter(case=case).update(reason="", child_view="")
    ChildProtectionReport.objects.filter(case=case).update(reason="")
    Minutes.objects.filter(meeting__case=case).delete()
    MeetingAnswer.objects.filter(meeting__case=case).delete()
    Meeting.participants.through.objects.filter(meeting__case=case).delete()
    Meeting.objects.filter(case=case).update(place="", agenda="", other_participants="")
    Evaluation.objects.filter(measure__case=case).update(
        effect="", child_experience="", guardians_view=""
    )
    Measure.objects.filter(case=case).update(
        description="", goal="", location="", responsible_person=None
    )
    documents = list(
        Consent.objects.filter(case=case, document__isnull=False).values_list(
            "document_id", flat=True
        )
    )
    Consent.guardians.through.objects.filter(consent__case=case).delete()
    ConsentAnswer.objects.filter(consent__case=case).delete()
    Consent.objects.filter(case=case).update(
        given_by="",
        purpose="",
        text="",
        oral_note="",
        information_other="",
        withdrawn_how="",
        document=None,
    )
    Handover.objects.filter(case=case).update(message="", answer="")
    Coordination.objects.filter(case=case).update(reason="", child_view="")
    WideCollaboration.objects.filter(case=case).update(
        note="", coordinator=None, child_coordinator=None
    )
    Watch.objects.filter(case=case).delete()
    CaseUserGrant.objects.filter(content_object=case).delete()
    for anonymise in _ANONYMISERS:
        anonymise(case)
    if case.archive_id:
        documents.append(case.archive_id)
    case.archive = None
    case.anonymised_at = timezone.now()
    case.save(update_fields=["archive", "anonymised_at"])
    StoredFile.objects.filter(pk__in=documents).delete()
    _child_anonymise(case)
    # Done by the daily run, not by a person: no actor.
    audit.record(kind=CaseAudit.CASE_ANONYMISED, case_id=case.pk, detail="retention")
    return True


def _child_anonymise(case: Case) -> None:
    """The child's own data goes when no case about the child still needs it."""
    child = case.child
    if child.cases.filter(anonymised_at__isnull=True).exists():
        return
    Guardian.objects.filter(child=child).delete()
    child.siblings.clear()
    child.first_name = child.last_name = child.national_id = child.national_id_kind = ""
    child.notice_email = ""
    child.birth_date = child.notice_email_confirmed_at = None
    child.save(
        update_fields=[
            "first_name",
            "last_name",
            "national_id",
            "national_id_kind",
            "birth_date",
            "notice_email",
            "notice_email_confirmed_at",
        ]
    )
