"""The main journey under Fjordvik's guide (fixtures/veiledere/fjordvik.toml), through the
services and with nothing skipped: a new uro, the leader's decision at nivå 0 (which needs
another service with consent, Fjordvik's rule from nivå 1), the nettverksmøte and its referat, a
measure, its evaluation, the decision to close and the closing step."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases import services
from cases.models import Evaluation
from levels.loader import load_guide
from levels.rules import CLOSED, MoveRefused
from levels.selectors import active_guide, guide_step
from tests.conftest import GUIDES
from tests.factories import home_municipality


@pytest.fixture
def guide(db):
    """Fjordvik's guide instead of Øvre Eiker's, for the case fixtures of tests/cases."""
    return load_guide(GUIDES / "fjordvik.toml", municipality=home_municipality())


def tick_and_complete(case, user, code):
    step = guide_step(active_guide(), code)
    services.checklist_save(case=case, user=user, step_code=code, checked=set(step.checklist_items))
    return services.step_complete(case=case, user=user, step_code=code, summary="")


def meeting(case, user, services_, kind):
    return services.meeting_invite(
        case=case,
        user=user,
        kind=kind,
        starts_at=timezone.now() - timedelta(minutes=5),
        place="Fjordvik barnehage",
        agenda="Korleis har Emma det?",
        participants=[user],
        participant_services=services_,
        other_participants="Mor",
        idempotency_key=uuid.uuid4(),
    )


def referat(meeting_, user):
    services.minutes_save(
        meeting=meeting_,
        user=user,
        data={"present": "Mor, pedagogisk leiar", "child_voice": "Emma likar å teikne."},
        version=0,
    )


def test_the_main_journey_through_fjordviks_own_steps(
    make_case, employee, leader, kindergarten, school, consent_for
):
    case = make_case()
    assert (case.level, case.step_code) == (0, "0.1")

    # 0.1 and 0.2 need their checklists.
    with pytest.raises(ValidationError, match="sjekklista"):
        services.step_complete(case=case, user=employee, step_code="0.1", summary="")
    case = tick_and_complete(case, employee, "0.1")
    case = tick_and_complete(case, employee, "0.2")
    assert case.step_code == "0.3"

    # 0.3: the urosamtale's referat moves the case on to the decision by itself.
    urosamtale = meeting(case, employee, [kindergarten], "urosamtale")
    referat(urosamtale, employee)
    case.refresh_from_db()
    assert case.step_code == "0.4"

    # 0.4: nivå 1 needs another service under consent; the leader takes the decision.
    with pytest.raises(MoveRefused, match="minst éi anna teneste"):
        services.case_decide(
            case=case, user=employee, to_level=1, reason="Uroa held fram.", child_view="Greitt."
        )
    consent_for(case, school)
    services.service_involve(case=case, user=employee, service=school)
    proposal = services.case_decide(
        case=case, user=employee, to_level=1, reason="Uroa held fram.", child_view="Greitt."
    )
    case.refresh_from_db()
    assert case.level == 0, "the holder's decision waits for the leader"
    services.proposal_answer(proposal=proposal, user=leader, confirm=True)
    case.refresh_from_db()
    assert (case.level, case.step_code) == (1, "1.1")

    # 1.1 (consent, a nettverksmøte booked) → 1.2 (its referat, a measure) → 1.3 (evaluation).
    nettverksmote = meeting(case, employee, [kindergarten, school], "nettverksmote")
    case.refresh_from_db()
    assert case.step_code == "1.2"
    referat(nettverksmote, employee)
    case.refresh_from_db()
    assert case.step_code == "1.2", "the measure is still missing"
    today = timezone.localdate()
    measure = services.measure_add(
        case=case,
        user=employee,
        description="Fast vaksen tek imot Emma kvar morgon.",
        goal="Emma er trygg ved levering.",
        location="Fjordvik barnehage",
        responsible_service=kindergarten,
        responsible_person=employee,
        starts_on=today,
        evaluation_due=today + timedelta(days=28),
    )
    case.refresh_from_db()
    assert case.step_code == "1.3"
    services.evaluation_add(
        measure=measure,
        user=employee,
        effect="Emma gret sjeldnare.",
        child_experience="Emma seier det er fint.",
        guardians_view="Mor ser at det hjelper.",
        outcome=Evaluation.Outcome.END,
        evaluated_on=today,
    )
    case.refresh_from_db()
    assert case.step_code == "1.4"

    # 1.4: the holder decides to close; the case passes through 1.5 and its checklist.
    services.case_decide(
        case=case, user=employee, to_level=CLOSED, reason="Det går bra.", child_view="Bra."
    )
    case.refresh_from_db()
    assert (case.is_open, case.step_code) == (True, "1.5")
    with pytest.raises(ValidationError, match="sjekklista"):
        services.step_complete(case=case, user=employee, step_code="1.5", summary="")
    case = tick_and_complete(case, employee, "1.5")
    case.refresh_from_db()
    assert not case.is_open
