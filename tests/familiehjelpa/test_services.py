"""Familiehjelpa's writes, through the services, against PostgreSQL."""

import datetime as dt
import threading
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from bts.models import Role
from bts.uploads import CheckedUpload
from cases import services as case_services
from cases.access import visible_cases
from cases.grants import grants_rebuild
from cases.models import Case, CaseUserGrant, Child, Consent, Coordination, Meeting, RelayEntry
from familiehjelpa import rules, services
from familiehjelpa.models import (
    AdviceCall,
    ChildTeamItem,
    DukenVersion,
    Inquiry,
    InquiryCase,
    InquiryEvent,
    Mapping,
)
from tests.factories import ServiceFactory, signed_form_pdf

from .conftest import ORAL, new_child, raise_to
from .helpers import row_counts

pytestmark = pytest.mark.django_db
State = Inquiry.State
SIGNED = signed_form_pdf()


def sees(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def relay_texts(case) -> list[str]:
    return list(case.relay_entries.order_by("at", "id").values_list("text", flat=True))


# --- Registering --------------------------------------------------------------------------------


def test_a_family_calling_itself_needs_no_consent_and_is_in_contact_at_once(
    register, team_leader, fh
):
    received = timezone.now() - dt.timedelta(hours=2)
    inquiry = register(received_at=received, child=new_child())
    case = inquiry.links.get().case
    assert inquiry.state == State.NEW and inquiry.first_contact_at == received
    assert case.owner_service == fh and case.level == 0 and case.responsible == team_leader
    assert not case.consents.exists()
    assert case.concerns.get().observation == inquiry.about
    assert sees(team_leader, case)
    assert sorted(inquiry.events.values_list("kind", flat=True)) == ["linked", "registered"]


def test_a_family_may_call_without_saying_who_the_child_is(register):
    inquiry = register()
    assert not inquiry.links.exists() and inquiry.state == State.NEW


def test_a_service_on_the_familys_behalf_with_oral_consent(school_inquiry, school, fh):
    case = school_inquiry.links.get().case
    consent = case.consents.get()
    assert consent.form == Consent.Form.ORAL and consent.is_active
    assert set(consent.services.all()) == {fh, school}
    assert list(consent.guardians.values_list("name", flat=True)) == ["Lise Hansen"]
    # The school that called takes part in the family's case under that consent.
    assert case.involvements.filter(service=school).exists()
    assert school_inquiry.first_contact_at is None, "the school called, not the family"
    assert any("Eikebakken skole" in t for t in relay_texts(case))


def test_a_service_on_the_familys_behalf_without_consent_is_refused_and_writes_nothing(
    register, school
):
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        register(source=Inquiry.Source.SERVICE, referring_service=school, child=new_child())
    assert "samtykke" in refused.value.message_dict["consent"][0]
    assert row_counts() == before


def test_a_service_calling_about_a_child_familiehjelpa_knows_still_needs_consent(register, school):
    """The family called first (no consent needed); the school's later call about the same
    child, found among familiehjelpa's children, joins that case only with consent."""
    child = register(child=new_child()).links.get().case.child
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        register(source=Inquiry.Source.SERVICE, referring_service=school, child=child)
    assert "samtykke" in refused.value.message_dict["consent"][0]
    assert row_counts() == before
    joined = register(
        source=Inquiry.Source.SERVICE, referring_service=school, child=child, consent=ORAL
    )
    assert joined.links.get().case.child == child and Case.objects.count() == 1


def test_a_service_without_naming_a_child_is_refused(register, school):
    with pytest.raises(ValidationError) as refused:
        register(source=Inquiry.Source.SERVICE, referring_service=school)
    assert "consent" in refused.value.message_dict


def test_a_service_inquiry_must_name_the_service(register):
    with pytest.raises(ValidationError) as refused:
        register(source=Inquiry.Source.SERVICE, child=new_child(), consent=ORAL)
    assert "referring_service" in refused.value.message_dict


def test_consent_is_checked_against_the_guardians_and_nothing_is_written(register, school):
    """Two guardians with parental responsibility: both consent, as cases.services checks; a
    child of 15 must consent too (the municipality's age)."""
    before = row_counts()
    fifteen = dt.date(timezone.localdate().year - 15, 1, 1)  # 15 years old on 1 January
    with pytest.raises(ValidationError) as refused:
        register(
            source=Inquiry.Source.SERVICE,
            referring_service=school,
            child=new_child(born=fifteen, guardians=("Lise Hansen", "Tor Hansen")),
            consent=ORAL,
        )
    assert "child_consented" in refused.value.message_dict
    assert row_counts() == before


def test_written_consent_keeps_the_signed_form(register, school):
    written = services.ConsentData(
        form="written",
        information=("wellbeing",),
        document=CheckedUpload(SIGNED, "application/pdf"),
    )
    inquiry = register(
        source=Inquiry.Source.SERVICE, referring_service=school, child=new_child(), consent=written
    )
    consent = inquiry.links.get().case.consents.get()
    assert consent.document is not None and bytes(consent.document.content) == SIGNED


def test_the_services_own_case_is_joined_by_its_number_when_its_consent_covers_familiehjelpa(
    register, school_case, school, fh, team_leader
):
    assert not sees(team_leader, school_case)
    inquiry = register(
        source=Inquiry.Source.SERVICE,
        referring_service=school,
        child=services.CaseReference(school_case.pk, school_case.child.birth_date),
    )
    assert inquiry.links.get().case == school_case, "joined, not a parallel record"
    assert Case.objects.count() == 1 and Child.objects.count() == 1
    assert school_case.involvements.filter(service=fh).exists()
    assert sees(team_leader, school_case)


@pytest.mark.parametrize("wrong", ["number", "birth_date", "no_consent"])
def test_a_case_reference_that_does_not_fit_gets_one_answer_and_writes_nothing(
    register, school_case, school, fh, teacher, wrong
):
    if wrong == "no_consent":
        consent = school_case.consents.get()
        case_services.consent_withdraw(
            case=school_case,
            consent=consent,
            user=teacher,
            withdrawn_on=timezone.localdate(),
            how="Brev",
        )
    number = school_case.pk + 1000 if wrong == "number" else school_case.pk
    born = school_case.child.birth_date
    if wrong == "birth_date":
        born = born - dt.timedelta(days=1)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        register(
            source=Inquiry.Source.SERVICE,
            referring_service=school,
            child=services.CaseReference(number, born),
        )
    message = refused.value.message_dict["case_number"][0]
    assert message.startswith(f"Fant ingen åpen sak med nummer {number} fra Eikebakken skole")
    assert row_counts() == before


def test_a_child_familiehjelpa_already_knows_joins_its_open_case(register, team_leader):
    first = register(child=new_child())
    child = first.links.get().case.child
    second = register(child=child)
    assert second.links.get().case == first.links.get().case
    assert Case.objects.count() == 1


def test_a_double_submitted_registration_makes_one_inquiry_child_and_case(register):
    key = uuid.uuid4()
    a = register(child=new_child(), idempotency_key=key)
    b = register(child=new_child(), idempotency_key=key)
    assert a == b
    assert (Inquiry.objects.count(), Child.objects.count(), Case.objects.count()) == (1, 1, 1)


def test_a_sibling_is_added_with_its_own_case(school_inquiry, team_leader):
    link = services.inquiry_child_add(
        inquiry=school_inquiry,
        user=team_leader,
        child=new_child(first="Noah", born=dt.date(2018, 1, 2)),
        consent=ORAL,
        idempotency_key=uuid.uuid4(),
    )
    assert school_inquiry.links.count() == 2
    assert link.case.child.first_name == "Noah" and link.case.consents.count() == 1


# --- Anonymous advice calls ---------------------------------------------------------------------


def test_an_advice_call_has_no_field_that_could_hold_a_name_or_a_child(fh, team_leader):
    fields = {f.name for f in AdviceCall._meta.get_fields()}
    assert fields == {
        "id",
        "service",
        "municipality",  # the key row-level security reads (bts.isolation), not a person
        "received_at",
        "channel",
        "caller_kind",
        "topics",
        "advice",
        "registered_by",
        "created_at",
        "idempotency_key",
    }
    assert not {f.related_model for f in AdviceCall._meta.get_fields() if f.is_relation} & {
        Case,
        Child,
    }


def test_an_advice_call_is_counted_without_personal_data(fh, team_leader):
    with pytest.raises(TypeError):
        services.advice_call_record(  # there is no way to pass a name
            user=team_leader,
            service=fh,
            received_at=timezone.now(),
            channel="phone",
            topics=["attendance"],
            caller_name="Per Lærer",
        )
    call = services.advice_call_record(
        user=team_leader,
        service=fh,
        received_at=timezone.now(),
        channel="phone",
        caller_kind="school",
        topics=["attendance", "wellbeing"],
    )
    assert AdviceCall.objects.get() == call
    assert call.topics == ["attendance", "wellbeing"]
    assert not Inquiry.objects.exists() and not Child.objects.exists()


def test_an_advice_call_needs_a_topic(fh, team_leader):
    with pytest.raises(ValidationError) as refused:
        services.advice_call_record(
            user=team_leader, service=fh, received_at=timezone.now(), channel="phone", topics=[]
        )
    assert "topics" in refused.value.message_dict


# --- Triage moves -------------------------------------------------------------------------------


def put_in(inquiry: Inquiry, state: str, **fields) -> Inquiry:
    Inquiry.objects.filter(pk=inquiry.pk).update(state=state, **fields)
    inquiry.refresh_from_db()
    return inquiry


def meet(inquiry, user, condition, contact=None):
    """Make the condition of a move true, through the services where there is one."""
    if condition == rules.CONVERSATION:
        services.conversation_book(
            inquiry=inquiry,
            user=user,
            starts_at=timezone.now() + dt.timedelta(days=2),
            place="Rådhuset",
            family_attendees="Mor",
        )
    elif condition == rules.FAMILY_CONTACT:
        Inquiry.objects.filter(pk=inquiry.pk).update(family_contact=contact)
    elif condition == rules.CHILD_TEAM:
        case = inquiry.links.first().case
        meeting = case_services.meeting_invite(
            case=case,
            user=user,
            kind="barneteam",
            starts_at=timezone.now() + dt.timedelta(days=9),
            place="Rådhuset",
            agenda="Hvem har ansvaret?",
            participants=[user],
            participant_services=[inquiry.service],
        )
        ChildTeamItem.objects.create(
            inquiry=inquiry, case=case, meeting=meeting, question="Hvem?", referred_by=user
        )


MOVES = [(a, b, c) for a, targets in rules.TRANSITIONS.items() for b, c in targets.items()]


@pytest.mark.parametrize(
    ("from_state", "to_state", "condition"), MOVES, ids=[f"{a}>{b}" for a, b, _c in MOVES]
)
def test_every_allowed_move_moves_and_is_logged_in_history_and_relay_log(
    world, from_state, to_state, condition
):
    inquiry = put_in(world.inquiry, from_state)
    meet(inquiry, world.team_leader, condition, contact=world.contact)
    inquiry = put_in(inquiry, from_state)  # booking may have moved it on
    reason = "Familien har fått hjelp." if condition == rules.REASON else ""
    log_before = world.case.relay_entries.count()

    moved = services.inquiry_move(
        inquiry=inquiry,
        user=world.team_leader,
        to_state=to_state,
        seen_state=from_state,
        reason=reason,
    )

    assert moved.state == to_state
    event = inquiry.events.filter(kind=InquiryEvent.Kind.MOVED).first()
    assert (event.from_state, event.to_state) == (from_state, to_state)
    assert world.case.relay_entries.count() == log_before + 1
    assert f"henvendelse {inquiry.pk} er flyttet" in world.case.relay_entries.first().text
    if to_state == State.CLOSED:
        assert moved.close_reason == reason


@pytest.mark.parametrize(
    ("from_state", "to_state", "condition"),
    [m for m in MOVES if m[2] != rules.NOTHING],
    ids=[f"{a}>{b}" for a, b, c in MOVES if c != rules.NOTHING],
)
def test_a_move_whose_condition_is_missing_is_refused_and_changes_nothing(
    world, from_state, to_state, condition
):
    inquiry = put_in(world.inquiry, from_state)
    before = row_counts()
    with pytest.raises(rules.MoveRefused):
        services.inquiry_move(
            inquiry=inquiry, user=world.team_leader, to_state=to_state, seen_state=from_state
        )
    inquiry.refresh_from_db()
    assert inquiry.state == from_state and row_counts() == before


NOT_ALLOWED = [(a, b) for a in State.values for b in State.values if b not in rules.TRANSITIONS[a]]


@pytest.mark.parametrize(
    ("from_state", "to_state"), NOT_ALLOWED, ids=[f"{a}>{b}" for a, b in NOT_ALLOWED]
)
def test_a_move_the_table_does_not_have_is_refused(world, from_state, to_state):
    inquiry = put_in(world.inquiry, from_state, family_contact=world.contact)
    before = row_counts()
    with pytest.raises(rules.MoveRefused):
        services.inquiry_move(
            inquiry=inquiry,
            user=world.team_leader,
            to_state=to_state,
            seen_state=from_state,
            reason="Fordi.",
        )
    assert row_counts() == before


def test_a_move_on_a_state_the_user_did_not_see_is_refused(world):
    services.inquiry_move(
        inquiry=world.inquiry, user=world.team_leader, to_state=State.MAPPING, seen_state=State.NEW
    )
    with pytest.raises(rules.MoveRefused, match="flyttet av en annen"):
        services.inquiry_move(
            inquiry=world.inquiry,
            user=world.team_leader,
            to_state=State.CLOSED,
            seen_state=State.NEW,
            reason="Feil.",
        )
    world.inquiry.refresh_from_db()
    assert world.inquiry.state == State.MAPPING


@pytest.mark.django_db(transaction=True)
def test_two_moves_of_the_same_inquiry_at_once_do_not_both_apply(world):
    """Two team leaders' tabs move the same new inquiry at the same moment: the row lock makes
    the second wait, and its stale state refuses it."""
    barrier, results = threading.Barrier(2), []

    def move(to_state, reason):
        try:
            barrier.wait()
            services.inquiry_move(
                inquiry=world.inquiry,
                user=world.team_leader,
                to_state=to_state,
                seen_state=State.NEW,
                reason=reason,
            )
            results.append("moved")
        except rules.MoveRefused:
            results.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(State.MAPPING, "")),
        threading.Thread(target=move, args=(State.CLOSED, "Feil nummer.")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["moved", "refused"]
    assert world.inquiry.events.filter(kind=InquiryEvent.Kind.MOVED).count() == 1


# --- Mapping --------------------------------------------------------------------------------------

MAPPING = {
    "family_situation": "Mor og to barn.",
    "help_wanted": "Hjelp med skolefravær.",
    "services_involved": "Skolen.",
    "child_voice": "Emma vil ha en voksen å snakke med.",
    "family_informed": True,
    "assessment": "Sammensatt; familiekontakt bør kobles på.",
    "decision": Mapping.Decision.CONNECT_NOW,
    "more_information": "",
}


def test_saving_the_mapping_moves_a_new_inquiry_to_mapping(world):
    mapping = services.mapping_save(
        inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0
    )
    world.inquiry.refresh_from_db()
    assert mapping.version == 1 and world.inquiry.state == State.MAPPING
    assert world.inquiry.events.filter(
        kind=InquiryEvent.Kind.MAPPING, text__contains="familiekontakt kobles på straks"
    ).exists()


def test_two_editors_of_the_mapping_conflict_instead_of_overwriting(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    services.mapping_save(
        inquiry=world.inquiry,
        user=world.team_leader,
        data=MAPPING | {"assessment": "Første."},
        version=1,
    )
    with pytest.raises(services.MappingConflict) as conflict:
        services.mapping_save(
            inquiry=world.inquiry,
            user=world.team_leader,
            data=MAPPING | {"assessment": "Andre."},
            version=1,
        )
    assert conflict.value.current.assessment == "Første."
    assert Mapping.objects.get().assessment == "Første."
    # The same text again (a double submit) is no conflict and no new version.
    same = services.mapping_save(
        inquiry=world.inquiry,
        user=world.team_leader,
        data=MAPPING | {"assessment": "Første."},
        version=1,
    )
    assert same.version == 2


def test_the_mapping_records_the_first_contact(world):
    when = timezone.now() - dt.timedelta(minutes=30)
    services.mapping_save(
        inquiry=world.inquiry,
        user=world.team_leader,
        data=MAPPING,
        version=0,
        first_contact_at=when,
    )
    world.inquiry.refresh_from_db()
    assert world.inquiry.first_contact_at == when


# --- Conversation ---------------------------------------------------------------------------------


def book(inquiry, user, **overrides):
    data = {
        "inquiry": inquiry,
        "user": user,
        "starts_at": timezone.now() + dt.timedelta(days=3),
        "place": "Familiehjelpa, rådhuset",
        "family_attendees": "Lise Hansen og Emma",
        "trusted_person": "Tante Randi",
    }
    return services.conversation_book(**(data | overrides))


def test_a_conversation_is_booked_with_a_trusted_person_and_the_services_consented_to(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    conversation = book(world.inquiry, world.team_leader, invited_services=[world.school])
    world.inquiry.refresh_from_db()
    assert world.inquiry.state == State.CONVERSATION
    assert conversation.trusted_person == "Tante Randi"
    assert list(conversation.invited_services.all()) == [world.school]
    assert world.inquiry.first_contact_at is not None
    assert any("Samtale med familien" in t for t in relay_texts(world.case))


def test_a_service_the_family_has_not_consented_to_cannot_be_invited(world, health):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        book(world.inquiry, world.team_leader, invited_services=[health])
    assert "Helsestasjonen kan ikke inviteres" in refused.value.message_dict["invited_services"][0]
    assert row_counts() == before


def test_a_conversation_waits_for_the_mapping(world):
    with pytest.raises(rules.MoveRefused, match="Kartlegg"):
        book(world.inquiry, world.team_leader)


# --- DUKEN ----------------------------------------------------------------------------------------

DUKEN = {name: "" for name in DukenVersion.FIELDS} | {
    "plan_for": "Familien Hansen",
    "held_on": dt.date(2026, 12, 3),
    "present": "Lise, Emma, tante Randi, Ole fra familiehjelpa",
    "school": "Emma har vært borte mye i høst.",
    "dreams": "At Emma gleder seg til skolen igjen.",
    "strengths": "Vi er gode til å snakke sammen.",
    "difficulties": "Morgenene.",
    "now": "Ole ringer skolen og avtaler et møte.",
    "short_term": "Emma er på skolen fire av fem dager.",
    "short_term_by": dt.date(2027, 1, 15),
    "long_term": "Emma har en venn i klassen.",
    "long_term_by": dt.date(2027, 6, 20),
}


def test_duken_is_saved_as_versions_and_never_overwritten(world):
    first = services.duken_save(
        inquiry=world.inquiry, user=world.team_leader, data=DUKEN, based_on=0
    )
    second = services.duken_save(
        inquiry=world.inquiry,
        user=world.team_leader,
        data=DUKEN | {"difficulties": "Morgenene og leksene."},
        based_on=1,
    )
    assert (first.number, second.number) == (1, 2)
    assert DukenVersion.objects.get(number=1).difficulties == "Morgenene."
    assert DukenVersion.objects.get(number=2).difficulties == "Morgenene og leksene."
    texts = relay_texts(world.case)
    assert any("DUKEN er fylt ut" in t for t in texts)
    assert any("revidert sammen med familien (versjon 2)" in t for t in texts)


def test_two_editors_of_duken_conflict_visibly(world):
    services.duken_save(inquiry=world.inquiry, user=world.team_leader, data=DUKEN, based_on=0)
    services.duken_save(
        inquiry=world.inquiry, user=world.contact, data=DUKEN | {"now": "Ole ringer."}, based_on=1
    )
    with pytest.raises(services.DukenConflict) as conflict:
        services.duken_save(
            inquiry=world.inquiry,
            user=world.team_leader,
            data=DUKEN | {"now": "Siri ringer."},
            based_on=1,
        )
    assert conflict.value.current.number == 2 and conflict.value.current.now == "Ole ringer."
    assert DukenVersion.objects.count() == 2


def test_unchanged_duken_makes_no_new_version(world):
    services.duken_save(inquiry=world.inquiry, user=world.team_leader, data=DUKEN, based_on=0)
    again = services.duken_save(
        inquiry=world.inquiry, user=world.team_leader, data=DUKEN, based_on=1
    )
    stale = services.duken_save(
        inquiry=world.inquiry, user=world.team_leader, data=DUKEN, based_on=0
    )
    assert again.number == stale.number == 1 and DukenVersion.objects.count() == 1


def test_duken_needs_whose_plan_and_the_date_and_long_term_after_short(world):
    with pytest.raises(ValidationError) as refused:
        services.duken_save(
            inquiry=world.inquiry,
            user=world.team_leader,
            data=DUKEN | {"plan_for": "", "long_term_by": dt.date(2027, 1, 1)},
            based_on=0,
        )
    assert {"plan_for", "long_term_by"} <= set(refused.value.message_dict)
    assert not DukenVersion.objects.exists()


# --- The family contact ---------------------------------------------------------------------------


def assign(world, contact, seen=None):
    world.inquiry.refresh_from_db()
    return services.family_contact_assign(
        inquiry=world.inquiry,
        user=world.team_leader,
        contact=contact,
        seen_state=seen or world.inquiry.state,
    )


def test_the_family_contact_gets_the_case_through_grants_and_coordinates_it(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    assert not sees(world.contact, world.case)

    assign(world, world.contact)

    world.inquiry.refresh_from_db()
    assert world.inquiry.state == State.CONTACT_ASSIGNED
    assert sees(world.contact, world.case)
    assert CaseUserGrant.objects.filter(content_object=world.case, user=world.contact).exists()
    current = world.case.coordinations.get(ends_at__isnull=True)
    assert current.service == world.fh
    assert any(
        f"Familiekontakt fra Familiehjelpa: {world.contact}" in t for t in relay_texts(world.case)
    )
    # The grants match the facts: rebuilding them changes nothing.
    before = set(CaseUserGrant.objects.values_list("user_id", flat=True))
    grants_rebuild([world.case])
    assert set(CaseUserGrant.objects.values_list("user_id", flat=True)) == before


def test_a_replaced_family_contact_loses_the_case(world, other_contact):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    assign(world, world.contact)
    assign(world, other_contact)
    assert sees(other_contact, world.case)
    assert not sees(world.contact, world.case)
    assert not CaseUserGrant.objects.filter(content_object=world.case, user=world.contact).exists()
    assert any(f"etter {world.contact}" in t for t in relay_texts(world.case))


def test_at_level_3_the_family_contact_is_the_cases_coordinator(
    register, school_case, school, team_leader, teacher, contact
):
    case = raise_to(school_case, teacher, 3)
    inquiry = register(
        source=Inquiry.Source.SERVICE,
        referring_service=school,
        child=services.CaseReference(case.pk, case.child.birth_date),
    )
    services.mapping_save(inquiry=inquiry, user=team_leader, data=MAPPING, version=0)
    services.family_contact_assign(
        inquiry=inquiry, user=team_leader, contact=contact, seen_state=State.MAPPING
    )
    case.refresh_from_db()
    assert case.wide_collaboration.coordinator == contact
    assert case.wide_collaboration.familiehjelpa == "accepted"
    assert case.responsible == teacher, "the school keeps the oppfølgingsansvar"
    assert sees(contact, case)


def test_only_the_pool_may_be_assigned_and_a_new_inquiry_is_mapped_first(world, teacher):
    with pytest.raises(rules.MoveRefused, match="Kartlegg"):
        assign(world, world.contact)
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    with pytest.raises(ValidationError) as refused:
        assign(world, teacher)
    assert "er ikke familiekontakt" in refused.value.message_dict["contact"][0]


def test_assigning_on_a_stale_state_is_refused(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    with pytest.raises(rules.MoveRefused):
        assign(world, world.contact, seen=State.NEW)


def test_withdrawn_consent_ends_the_family_contacts_access(
    register, school_case, school, team_leader, teacher, contact
):
    inquiry = register(
        source=Inquiry.Source.SERVICE,
        referring_service=school,
        child=services.CaseReference(school_case.pk, school_case.child.birth_date),
    )
    services.mapping_save(inquiry=inquiry, user=team_leader, data=MAPPING, version=0)
    services.family_contact_assign(
        inquiry=inquiry, user=team_leader, contact=contact, seen_state=State.MAPPING
    )
    assert sees(contact, school_case)
    case_services.consent_withdraw(
        case=school_case,
        consent=school_case.consents.get(),
        user=teacher,
        withdrawn_on=timezone.localdate(),
        how="Brev fra mor",
    )
    assert not sees(contact, school_case) and not sees(team_leader, school_case)


# --- Barneteam ------------------------------------------------------------------------------------


def test_the_barneteam_decision_makes_the_service_responsible_in_the_case(
    world, school, teacher, rektor
):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    item = services.child_team_refer(
        inquiry=world.inquiry,
        user=world.team_leader,
        case=world.case,
        question="Skolen eller familiehjelpa: hvem følger opp?",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place="Rådhuset",
    )
    world.inquiry.refresh_from_db()
    assert world.inquiry.state == State.CHILD_TEAM
    assert item.meeting.kind == "barneteam" and item.meeting.case == world.case
    assert world.case.responsible == world.team_leader

    services.child_team_decide(
        item=item,
        user=world.team_leader,
        service=school,
        reason="Fraværet er det viktigste; skolen ser Emma hver dag.",
        child_view="Emma vil at kontaktlæreren skal hjelpe.",
        offer_to=teacher,
    )

    current = Coordination.objects.get(case=world.case, ends_at__isnull=True)
    assert current.service == school and current.child_view.startswith("Emma vil")
    offer = world.case.handovers.get(status="offered")
    assert offer.to_user == teacher
    texts = relay_texts(world.case)
    assert any(
        "Barneteamet besluttet" in t and "Eikebakken skole har oppfølgingsansvaret" in t
        for t in texts
    )
    assert any("Oppfølgingsansvaret er tilbudt" in t for t in texts)

    case_services.handover_answer(handover=offer, user=teacher, accept=True)
    world.case.refresh_from_db()
    assert world.case.responsible == teacher
    assert sees(teacher, world.case)


def test_the_barneteam_can_only_give_the_responsibility_to_a_service_under_consent(
    world, health, make_user
):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    nurse = make_user(Role.EMPLOYEE, service=health)
    item = services.child_team_refer(
        inquiry=world.inquiry,
        user=world.team_leader,
        case=world.case,
        question="Hvem?",
        starts_at=timezone.now() - dt.timedelta(hours=1),
        place="Rådhuset",
    )
    before = row_counts()
    with pytest.raises(ValidationError) as refused:
        services.child_team_decide(
            item=item, user=world.team_leader, service=health, reason="Helse.", offer_to=nurse
        )
    assert "samtykke" in refused.value.message_dict["service"][0]
    assert row_counts() == before


def test_the_barneteam_decision_waits_for_the_meeting_and_needs_someone_to_hold_the_case(
    world, school
):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    item = services.child_team_refer(
        inquiry=world.inquiry,
        user=world.team_leader,
        case=world.case,
        question="Hvem?",
        starts_at=timezone.now() + dt.timedelta(days=10),
        place="Rådhuset",
    )
    with pytest.raises(ValidationError, match="når barneteamet har møttes"):
        services.child_team_decide(item=item, user=world.team_leader, service=school, reason="X.")
    Meeting.objects.filter(pk=item.meeting_id).update(starts_at=timezone.now())
    with pytest.raises(ValidationError) as refused:
        services.child_team_decide(item=item, user=world.team_leader, service=school, reason="X.")
    assert "offer_to" in refused.value.message_dict


def test_a_case_is_on_the_agenda_once(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    for attempt in range(2):
        call = lambda: services.child_team_refer(  # noqa: E731
            inquiry=world.inquiry,
            user=world.team_leader,
            case=world.case,
            question="Hvem?",
            starts_at=timezone.now() + dt.timedelta(days=10),
            place="Rådhuset",
        )
        if attempt:
            with pytest.raises(ValidationError, match="allerede på barneteamets sakliste"):
                call()
        else:
            call()
    assert ChildTeamItem.objects.count() == 1


# --- Referral from a service's case ---------------------------------------------------------------


def test_a_case_at_level_2_is_referred_under_consent_onto_the_board(school_case, teacher, fh):
    inquiry = services.case_refer(
        case=school_case, user=teacher, service=fh, about="Familien trenger en familiekontakt."
    )
    assert (inquiry.state, inquiry.channel, inquiry.source) == (State.NEW, "bts", "service")
    assert inquiry.referring_service == school_case.owner_service
    assert inquiry.links.get().case == school_case
    assert school_case.involvements.filter(service=fh).exists()
    again = services.case_refer(case=school_case, user=teacher, service=fh, about="Igjen.")
    assert again == inquiry, "an open referral is not made twice"


def test_a_referral_without_consent_to_familiehjelpa_is_refused(school_case, teacher, fh):
    consent = school_case.consents.get()
    consent.services.remove(fh)
    before = row_counts()
    with pytest.raises(
        ValidationError, match="Familien må samtykke til samarbeid med familiehjelpa"
    ):
        services.case_refer(case=school_case, user=teacher, service=fh, about="Hjelp.")
    assert row_counts() == before


def test_only_cases_at_level_2_and_3_are_referred(guide, teacher, school, fh):
    child = case_services.child_create(
        user=teacher, child=case_services.ChildData("Ada", "Li", dt.date(2016, 1, 1))
    )
    case = case_services.case_open(
        user=teacher,
        service=school,
        child=child,
        concern=case_services.ConcernData("Trist.", timezone.localdate(), "Skolen", 1),
    )
    with pytest.raises(ValidationError, match="nivå 2 og 3"):
        services.case_refer(case=case, user=teacher, service=fh, about="Hjelp.")


def test_the_reply_is_recorded_once(world):
    services.reply_sent(inquiry=world.inquiry, user=world.team_leader)
    services.reply_sent(inquiry=world.inquiry, user=world.team_leader)
    assert world.inquiry.events.filter(kind=InquiryEvent.Kind.REPLY).count() == 1
    assert any("med kopi til Eikebakken skole" in t for t in relay_texts(world.case))


def test_history_lines_never_name_the_child(world):
    services.mapping_save(inquiry=world.inquiry, user=world.team_leader, data=MAPPING, version=0)
    assign(world, world.contact)
    for text in InquiryEvent.objects.values_list("text", flat=True):
        assert "Emma" not in text and "Hansen" not in text


def test_an_inquiry_of_another_familiehjelpa_does_not_reach_its_cases(world, make_user):
    other = ServiceFactory(name="Familiehjelpa Vest", kind="familiehjelpa")
    stranger = make_user(Role.FAMILIEHJELPA_LEADER, service=other)
    assert not sees(stranger, world.case)
    assert not InquiryCase.objects.filter(inquiry__service=other).exists()
    assert RelayEntry.objects.filter(case=world.case).exists()
