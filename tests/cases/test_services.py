import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import (
    AnonymousDiscussion,
    Case,
    Child,
    ChildProtectionReport,
    Concern,
    Decision,
    Involvement,
    RelayEntry,
)
from levels.models import Step
from levels.rules import CLOSED, MoveRefused
from tests.cases.conftest import concern, decide, to_decision_step

pytestmark = pytest.mark.django_db

# Skatteetaten's published example number (page "Nytt fødselsnummer fra 2032"), no real person.
VALID_FNR = "26111593816"


def kinds(case) -> list[str]:
    return list(case.relay_entries.order_by("at", "id").values_list("kind", flat=True))


def test_opening_a_case_starts_at_the_first_step_of_nivå_0_with_the_14_day_deadline(
    make_case, employee
):
    case = make_case()

    assert (case.level, case.step_code, case.status) == (0, "0.1", Case.Status.OPEN)
    assert case.responsible == employee == case.created_by
    assert case.decision_due == timezone.localdate() + dt.timedelta(days=14)
    assert case.concerns.count() == 1
    assert kinds(case) == [RelayEntry.Kind.OPENED]


def test_deadline_is_a_municipal_setting_from_the_guide(make_case, guide):
    type(guide).objects.filter(pk=guide.pk).update(level0_decision_days=7)
    assert make_case().decision_due == timezone.localdate() + dt.timedelta(days=7)


def test_the_same_submission_twice_opens_one_case(guide, employee, kindergarten):
    child = services.child_create(
        user=employee, child=services.ChildData("Emma", "Hansen", dt.date(2020, 3, 14))
    )
    key = uuid.uuid4()
    first = services.case_open(
        user=employee, service=kindergarten, child=child, concern=concern(), idempotency_key=key
    )
    second = services.case_open(
        user=employee, service=kindergarten, child=child, concern=concern(), idempotency_key=key
    )
    assert first == second
    assert Case.objects.count() == 1 and Concern.objects.count() == 1


def test_a_child_is_created_once_per_submission(employee):
    key = uuid.uuid4()
    data = services.ChildData("Emma", "Hansen", dt.date(2020, 3, 14))
    services.child_create(user=employee, child=data, idempotency_key=key)
    services.child_create(user=employee, child=data, idempotency_key=key)
    assert Child.objects.count() == 1


def test_identity_number_is_validated_and_stored_normalised(employee):
    with pytest.raises(ValidationError):
        services.child_create(
            user=employee, child=services.ChildData("A", "B", None, "26111593817")
        )
    child = services.child_create(
        user=employee, child=services.ChildData("A", "B", None, "261115 938 16")
    )
    assert child.national_id == VALID_FNR
    assert child.national_id_kind == "fnr"
    assert child.masked_national_id == "261115 *****"


def _tick_all(case, user, code):
    items = set(Step.objects.get(level__guide__is_active=True, code=code).checklist_items)
    services.checklist_save(case=case, user=user, step_code=code, checked=items)
    return len(items)


def test_completing_a_step_moves_to_the_next_one_and_logs_it(make_case, employee):
    case = make_case()
    items = _tick_all(case, employee, "0.1")
    case = services.step_complete(case=case, user=employee, step_code="0.1", summary="Notert.")
    assert case.step_code == "0.2"
    entry = case.relay_entries.get(kind=RelayEntry.Kind.STEP_DONE)
    assert entry.step_code == "0.1"
    assert entry.text == (
        f"0.1 Undring oppstår er gjort. Sjekkliste: {items} av {items} punkter. Notert."
    )


def test_a_stale_step_completion_changes_nothing(make_case, employee):
    case = make_case()
    _tick_all(case, employee, "0.1")
    services.step_complete(case=case, user=employee, step_code="0.1", summary="")
    case = services.step_complete(case=case, user=employee, step_code="0.1", summary="")
    assert case.step_code == "0.2"
    assert case.relay_entries.filter(kind=RelayEntry.Kind.STEP_DONE).count() == 1


def test_a_decision_step_is_decided_not_completed(make_case, employee):
    case = to_decision_step(make_case(), employee)
    assert case.step_code == "0.4"
    with pytest.raises(ValidationError, match="beslutning"):
        services.step_complete(case=case, user=employee, step_code="0.4", summary="")


def test_decision_raises_to_nivå_1_at_its_first_step(make_case, employee):
    case = make_case()
    decision = decide(case, employee, 1, "Grunn til bekymring.", child_view="Trist.")
    case.refresh_from_db()
    assert (case.level, case.step_code, case.decision_due) == (1, "1.1", None)
    assert (decision.from_level, decision.to_level, decision.move) == (0, 1, "raise")
    assert decision.child_view == "Trist."
    assert "Begrunnelse: Grunn til bekymring." in case.relay_entries.get(kind="decision").text


def test_refused_move_writes_nothing(make_case, employee):
    case = to_decision_step(make_case(), employee)
    entries = case.relay_entries.count()
    with pytest.raises(MoveRefused):
        services.case_decide(
            case=case, user=employee, to_level=2, reason="Hopp over.", child_view="Vet ikke."
        )
    case.refresh_from_db()
    assert (case.level, case.step_code) == (0, "0.4")
    assert not Decision.objects.exists()
    assert case.relay_entries.count() == entries


def test_a_decision_is_taken_at_the_decision_step_only(make_case, employee):
    case = make_case()
    with pytest.raises(MoveRefused, match="beslutningstrinn"):
        services.case_decide(
            case=case, user=employee, to_level=1, reason="For tidlig.", child_view="Vet ikke."
        )
    assert not Decision.objects.exists()


def test_a_decision_on_a_case_that_moved_meanwhile_is_refused(make_case, employee, leader):
    case = to_decision_step(make_case(), employee)
    heard = {"child_view": "Barnet vil ha hjelp."}
    services.case_decide(case=case, user=leader, to_level=1, reason="Ja.", step_code="0.4", **heard)
    with pytest.raises(MoveRefused, match="endret seg"):
        services.case_decide(
            case=case, user=employee, to_level=1, reason="Ja, jeg også.", step_code="0.4", **heard
        )
    assert Decision.objects.count() == 1


def test_decision_needs_a_reason(make_case, employee):
    with pytest.raises(ValidationError):
        services.case_decide(case=make_case(), user=employee, to_level=1, reason="  ")


def test_raising_to_nivå_2_needs_another_service_involved_with_consent(
    make_case, employee, school, consent_for
):
    case = make_case()
    decide(case, employee, 1, "Tiltak i barnehagen.")
    with pytest.raises(MoveRefused, match="annen tjeneste"):
        decide(case, employee, 2, "Trenger skolen.")

    consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    decide(case, employee, 2, "Trenger skolen.")
    case.refresh_from_db()
    assert (case.level, case.step_code) == (2, "2.1")


def test_closing_a_case(make_case, employee):
    case = make_case()
    decide(case, employee, CLOSED, "Avkreftet.")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED and case.closed_at is not None
    with pytest.raises(MoveRefused, match="avsluttet"):
        decide(case, employee, 1, "Igjen.")


def test_a_double_submitted_decision_moves_the_case_once(make_case, employee, leader):
    # The leader decides at nivå 0 (Øvre Eiker's guide): the decision is final at once.
    case = to_decision_step(make_case(), employee)
    key = uuid.uuid4()
    for _ in range(2):
        services.case_decide(
            case=case,
            user=leader,
            to_level=1,
            reason="Ja.",
            child_not_heard="age",
            idempotency_key=key,
        )
    case.refresh_from_db()
    assert case.level == 1
    assert Decision.objects.count() == 1
    assert case.relay_entries.filter(kind="decision").count() == 1


class TestConsentGate:
    def test_no_consent_no_service(self, make_case, employee, school):
        with pytest.raises(services.ConsentMissing, match="samtykke"):
            services.service_involve(case=make_case(), user=employee, service=school)
        assert not Involvement.objects.exists()

    def test_consent_for_another_service_does_not_cover_this_one(
        self, make_case, employee, school, consent_for
    ):
        from tests.factories import ServiceFactory

        case = make_case()
        consent_for(case, ServiceFactory(name="PP-tjenesten"))
        with pytest.raises(services.ConsentMissing):
            services.service_involve(case=case, user=employee, service=school)

    def test_covered_service_joins_once(self, make_case, employee, school, consent_for):
        case = make_case()
        consent_for(case, school)
        first = services.service_involve(case=case, user=employee, service=school)
        second = services.service_involve(case=case, user=employee, service=school)
        assert first == second
        assert case.relay_entries.filter(kind="service_joined").count() == 1

    def test_withdrawn_consent_covers_nothing(self, make_case, employee, school, consent_for):
        case = make_case()
        consent = consent_for(case, school)
        # Withdrawal as a workflow comes with the consent issue; here only its effect matters.
        type(consent).objects.filter(pk=consent.pk).update(withdrawn_on=dt.date(2026, 11, 22))
        with pytest.raises(services.ConsentMissing):
            services.service_involve(case=case, user=employee, service=school)

    def test_expired_consent_covers_nothing(self, make_case, employee, school, consent_for):
        case = make_case()
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        consent_for(case, school, given_on=dt.date(2026, 1, 1), expires_on=yesterday)
        with pytest.raises(services.ConsentMissing):
            services.service_involve(case=case, user=employee, service=school)

    def test_the_owner_service_is_not_brought_in(self, make_case, employee, kindergarten):
        with pytest.raises(ValidationError):
            services.service_involve(case=make_case(), user=employee, service=kindergarten)


def test_report_to_barnevern_is_logged_and_tells_no_one(
    make_case, employee, django_capture_on_commit_callbacks
):
    case = make_case()
    assert case.child.guardians.get().email == "lise@example.invalid"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.report_file(
            case=case, user=employee, reported_at=timezone.now(), channel="phone",
            reason="Blåmerker på armene.", police_contacted=True,
        )  # fmt: skip
    report = ChildProtectionReport.objects.get()
    assert report.reported_by == employee
    entry = case.relay_entries.get(kind=RelayEntry.Kind.REPORT)
    assert entry.text == "Melding sendt til barnevernet (telefon). Politiet er kontaktet."
    assert "Blåmerker" not in entry.text
    assert callbacks == [], "nothing is queued to be sent when the report commits"
    assert mail.outbox == []


def test_akutt_path_the_report_is_the_first_and_only_entry(
    guide, employee, kindergarten, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case = services.case_open_with_report(
            user=employee,
            service=kindergarten,
            child=services.ChildData("Emma", "Hansen", dt.date(2020, 3, 14)),
            reported_at=timezone.now(),
            channel="phone",
            reason="Forteller om slag.",
        )
    assert kinds(case) == [RelayEntry.Kind.REPORT]
    assert not case.concerns.exists()
    assert case.decision_due is None
    assert case.child.guardians.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_anonymous_discussion_has_no_link_to_any_person(employee, kindergarten):
    services.anonymous_discussion_record(
        user=employee, service=kindergarten, discussed_with="Familiehjelpa",
        discussed_on=dt.date(2026, 11, 20), summary="Råd om samtale med foresatte.",
    )  # fmt: skip
    assert AnonymousDiscussion.objects.count() == 1
    related = {
        f.related_model
        for f in AnonymousDiscussion._meta.get_fields()
        if f.is_relation and f.related_model
    }
    assert Child not in related and Case not in related


def test_the_log_records_the_level_the_case_is_at_even_from_a_stale_object(make_case, employee):
    case = make_case()  # this object stays at nivå 0 in memory
    decide(case, employee, 1, "Ja.")
    services.note_add(case=case, user=employee, text="Etter beslutningen.")
    note = RelayEntry.objects.get(kind=RelayEntry.Kind.NOTE)
    assert (note.level, note.step_code) == (1, "1.1")
