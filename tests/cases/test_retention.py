"""Retention: an archived case's personal data is deleted when the municipality's retention
period after archiving has ended, and nothing else; the anonymous counts stay."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from bts.isolation import visible
from bts.models import AuditEvent, StoredFile
from bts.uploads import CheckedUpload
from cases import services
from cases.archive import archive_package_make
from cases.models import Case, Child, Decision, Guardian, Measure, RelayEntry
from levels.rules import CLOSED
from tests.cases.conftest import decide
from tests.factories import signed_form_pdf

pytestmark = pytest.mark.django_db

SIGNED = signed_form_pdf()


@pytest.fixture
def archived(make_case, employee, leader, guide, school, consent_for):
    """Make a case, give it a measure and a consent with a signed form, close and archive it,
    with its package made `days_ago` days back."""

    def make(first_name: str, days_ago: int, **child):
        case = make_case(first_name=first_name, last_name="Ødegård", **child)
        consent_for(case, school, document=CheckedUpload(SIGNED, "application/pdf"))
        services.measure_add(
            case=case,
            user=employee,
            description=f"Fast voksen for {first_name}.",
            goal="Roligere morgener.",
            location="Avdeling Blå",
            responsible_service=case.owner_service,
            responsible_person=employee,
            starts_on=timezone.localdate(),
            evaluation_due=timezone.localdate() + dt.timedelta(days=14),
        )
        decide(case, employee, CLOSED, f"{first_name} har det bra nå.")
        case.refresh_from_db()
        archive_package_make(case=case, user=leader)
        back = timezone.now() - dt.timedelta(days=days_ago)
        Case.objects.filter(pk=case.pk).update(archived_at=back, last_activity_at=back)
        return Case.objects.get(pk=case.pk)

    return make


def run() -> str:
    out = io.StringIO()
    # As cron starts it: a connection that sees no municipality until the command opens them.
    with visible(""):
        call_command("apply_retention", stdout=out)
    return out.getvalue()


def test_deletes_what_is_due_and_nothing_else(archived, make_case, settings):
    settings.BTS_RETENTION_DAYS = 365
    due = archived("Åse", days_ago=400)
    kept = archived("Bjørn", days_ago=100)
    open_case = make_case(first_name="Cecilie")
    documents_before = StoredFile.objects.count()

    output = run()

    assert "1 saker anonymisert." in output
    due.refresh_from_db()
    assert due.anonymised_at is not None and due.archive_id is None
    assert due.archive_sha256, "the evidence of what was archived stays"
    child = Child.objects.get(pk=due.child_id)
    assert (child.first_name, child.last_name, child.birth_date) == ("", "", None)
    assert not Guardian.objects.filter(child=child).exists()
    assert not RelayEntry.objects.filter(case=due).exists()
    assert set(due.concerns.values_list("observation", flat=True)) == {""}
    assert set(Decision.objects.filter(case=due).values_list("reason", flat=True)) == {""}
    assert set(due.consents.values_list("given_by", "purpose")) == {("", "")}
    measure = Measure.objects.get(case=due)
    assert (measure.description, measure.responsible_person_id) == ("", None)
    assert not due.user_grants.exists()
    # Two files gone (the signed form, the package); the other case keeps both of its own.
    assert StoredFile.objects.count() == documents_before - 2
    assert AuditEvent.objects.filter(kind="case_anonymised", case_id=due.pk).count() == 1

    kept.refresh_from_db()
    assert kept.anonymised_at is None and kept.archive_id
    assert kept.child.first_name == "Bjørn" and kept.relay_entries.exists()
    assert kept.consents.get().document_id
    open_case.refresh_from_db()
    assert open_case.child.first_name == "Cecilie" and open_case.anonymised_at is None

    # What the statistics count stays: the case, its level and service, its moves and dates.
    assert Case.objects.filter(pk=due.pk, level=0, status="closed").exists()
    assert Decision.objects.filter(case=due, to_level=None).count() == 1


def test_running_again_changes_nothing(archived, settings):
    settings.BTS_RETENTION_DAYS = 365
    archived("Åse", days_ago=400)
    run()
    events = AuditEvent.objects.filter(kind="case_anonymised").count()
    assert "0 saker anonymisert." in run()
    assert AuditEvent.objects.filter(kind="case_anonymised").count() == events


def test_the_period_is_the_setting(archived, settings):
    case = archived("Åse", days_ago=40)
    settings.BTS_RETENTION_DAYS = 60
    assert "0 saker anonymisert." in run()
    settings.BTS_RETENTION_DAYS = 30
    assert "1 saker anonymisert." in run()
    assert Case.objects.get(pk=case.pk).anonymised_at is not None


def test_a_case_changed_after_archiving_waits_for_a_new_package(archived, settings):
    settings.BTS_RETENTION_DAYS = 365
    case = archived("Åse", days_ago=400)
    Case.objects.filter(pk=case.pk).update(last_activity_at=timezone.now())

    output = run()

    assert "0 saker anonymisert." in output and "venter på ny arkivpakke" in output
    assert Case.objects.get(pk=case.pk).child.first_name == "Åse"


def test_a_closed_case_never_archived_is_kept(make_case, employee, settings):
    settings.BTS_RETENTION_DAYS = 30
    case = make_case()
    decide(case, employee, CLOSED, "Ferdig.")
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=90))

    output = run()

    assert "1 avsluttede saker eldre enn oppbevaringstiden er ikke arkivert" in output
    assert Case.objects.get(pk=case.pk).child.first_name == "Emma"


def test_the_child_keeps_its_name_while_another_case_needs_it(archived, employee, settings):
    settings.BTS_RETENTION_DAYS = 365
    due = archived("Åse", days_ago=400)
    second = services.case_open(
        user=employee,
        service=due.owner_service,
        child=due.child,
        concern=services.ConcernData(
            observation="Ny undring.",
            observed_on=timezone.localdate(),
            setting="Ute",
            worry=1,
        ),
    )

    run()

    assert Case.objects.get(pk=due.pk).anonymised_at is not None
    assert Child.objects.get(pk=second.child_id).first_name == "Åse"
    assert second.relay_entries.exists()


def test_a_family_s_answers_to_meetings_go_with_the_case(archived, employee, settings):
    from cases.models import Meeting, MeetingAnswer

    settings.BTS_RETENTION_DAYS = 365
    due = archived("Åse", days_ago=400)
    meeting = Meeting.objects.create(
        case=due,
        kind="samarbeidsmote",
        starts_at=timezone.now(),
        place="Barnehagen",
        agenda="Åses morgener",
        invited_by=employee,
    )
    MeetingAnswer.objects.create(
        meeting=meeting, by_family="Lise Ødegård", answer="another_time", message="Etter kl. 14"
    )
    run()
    assert not MeetingAnswer.objects.filter(meeting__case=due).exists()
