"""Measures (tiltak) and their evaluations, and the "Møter og tiltak" section of the case page."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bts.models import AuditEvent, Role
from bts.services import membership_grant
from cases import services
from cases.models import Evaluation, Measure, RelayEntry
from tests.factories import ServiceFactory, UserFactory

# The case page, measured with 1 and with 10 meetings (with minutes) and measures (evaluated):
# session, user (with memberships and second factor), the case with its sections as JSON
# (guardians, concerns, decisions, reports, checklist, coordination, offers, services,
# meetings with their minutes, measures with service and person), the consents and the
# services they cover, the audit event, the relay log; the guide, its acute contacts, levels
# and steps (cached per process outside tests); the ATOMIC_REQUESTS savepoint and its release.
CASE_PAGE_QUERIES = 13


@pytest.fixture
def case(make_case):
    return make_case(first_name="Ola", birth_date=timezone.localdate() - timedelta(days=4 * 365))


def today():
    return timezone.localdate()


def add_measure(case, user, service, **overrides):
    fields = {
        "case": case,
        "user": user,
        "description": "Fast voksen tar imot Ola hver morgen.",
        "goal": "Ola gråter ikke ved levering tre av fem dager innen fire uker.",
        "location": "Solsikken barnehage",
        "responsible_service": service,
        "responsible_person": user,
        "starts_on": today(),
        "ends_on": None,
        "evaluation_due": today() + timedelta(days=28),
        "idempotency_key": uuid.uuid4(),
    }
    return services.measure_add(**(fields | overrides))


def evaluate(measure, user, **overrides):
    fields = {
        "measure": measure,
        "user": user,
        "effect": "Ola gråter sjeldnere.",
        "child_experience": "Ola sier det er fint at Kari er der.",
        "guardians_view": "Mor ser at det hjelper.",
        "outcome": Evaluation.Outcome.CONTINUE,
        "evaluated_on": today(),
        "next_evaluation_due": today() + timedelta(days=28),
        "idempotency_key": uuid.uuid4(),
    }
    return services.evaluation_add(**(fields | overrides))


def measure_post(service, **overrides):
    return {
        "description": "Fast voksen tar imot Ola hver morgen.",
        "goal": "Ola gråter ikke ved levering tre av fem dager innen fire uker.",
        "location": "Solsikken barnehage",
        "responsible_service": service.pk,
        "responsible_person": "",
        "starts_on": today().isoformat(),
        "ends_on": "",
        "evaluation_due": (today() + timedelta(days=28)).isoformat(),
        "idempotency_key": str(uuid.uuid4()),
    } | overrides


# --- Measures -----------------------------------------------------------------------------------


def test_add_measure_through_the_form(case, employee_client, kindergarten):
    response = employee_client.post(
        reverse("cases:measure_new", args=[case.pk]), measure_post(kindergarten)
    )

    assert response.status_code == 302
    measure = Measure.objects.get(case=case)
    assert measure.status == Measure.Status.ACTIVE
    assert measure.created_by == case.responsible
    entry = case.relay_entries.filter(kind=RelayEntry.Kind.MEASURE).get()
    due = (today() + timedelta(days=28)).strftime("%d.%m.%Y")
    assert entry.text == (
        f"Tiltak fra {today():%d.%m.%Y}: Fast voksen tar imot Ola hver morgen. "
        f"Ansvarlig: Solsikken barnehage. Evalueres innen {due}."
    )
    assert AuditEvent.objects.filter(case_id=case.pk, detail="measure").count() == 1


def test_double_submit_creates_one_measure(case, employee_client, kindergarten):
    data = measure_post(kindergarten)
    url = reverse("cases:measure_new", args=[case.pk])
    employee_client.post(url, data)
    employee_client.post(url, data)
    assert Measure.objects.filter(case=case).count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ends_on", -1, "Sluttdatoen kan ikke være før tiltaket starter."),
        ("evaluation_due", -1, "Evalueringsdatoen kan ikke være før tiltaket starter."),
    ],
)
def test_dates_before_the_start_are_refused_next_to_the_field(
    case, employee_client, kindergarten, field, value, message
):
    response = employee_client.post(
        reverse("cases:measure_new", args=[case.pk]),
        measure_post(kindergarten, **{field: (today() + timedelta(days=value)).isoformat()}),
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert f'id="id_{field}_error"' in response.text
    assert message in response.text
    assert not Measure.objects.exists()


def test_missing_evaluation_date_is_refused_in_norwegian(case, employee_client, kindergarten):
    response = employee_client.post(
        reverse("cases:measure_new", args=[case.pk]),
        measure_post(kindergarten, evaluation_due="", location=""),
    )
    form = response.context["form"]
    assert form.errors["evaluation_due"] == ["Skriv når tiltaket skal evalueres."]
    assert "location" in form.errors
    assert not Measure.objects.exists()


def test_service_refuses_dates_before_the_start(case, employee, kindergarten):
    with pytest.raises(ValidationError) as error:
        add_measure(case, employee, kindergarten, ends_on=today() - timedelta(days=1))
    assert "ends_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_measure(case, employee, kindergarten, evaluation_due=today() - timedelta(days=1))
    assert "evaluation_due" in error.value.message_dict
    assert not Measure.objects.exists()


def test_responsible_person_must_work_in_the_responsible_service(
    case, employee_client, kindergarten
):
    health = ServiceFactory(name="Helsestasjonen")
    nurse = UserFactory(first_name="Hege", last_name="Helsesykepleier")
    membership_grant(user=nurse, role=Role.EMPLOYEE, service=health)

    # The health station is not in the case: neither it nor its nurse is offered.
    response = employee_client.post(
        reverse("cases:measure_new", args=[case.pk]),
        measure_post(kindergarten, responsible_person=nurse.pk),
    )

    assert response.status_code == 200
    assert "responsible_person" in response.context["form"].errors
    assert not Measure.objects.exists()


def test_responsible_service_outside_the_case_is_refused(case, employee, kindergarten):
    with pytest.raises(ValidationError):
        add_measure(case, employee, ServiceFactory(name="Eikebakken skole"))


# --- Evaluations --------------------------------------------------------------------------------


def test_evaluation_with_outcome_end_ends_the_measure(case, employee, kindergarten):
    measure = add_measure(case, employee, kindergarten, starts_on=today() - timedelta(days=30))

    evaluation = evaluate(
        measure, employee, outcome=Evaluation.Outcome.END, next_evaluation_due=None
    )

    measure.refresh_from_db()
    assert measure.status == Measure.Status.ENDED
    assert measure.ends_on == evaluation.evaluated_on == today()
    entry = case.relay_entries.filter(kind=RelayEntry.Kind.EVALUATION).get()
    assert entry.text == (
        "Tiltaket «Fast voksen tar imot Ola hver morgen.» er evaluert: avslutt tiltaket."
    )


def test_ending_keeps_an_end_date_already_set(case, employee, kindergarten):
    start = today() - timedelta(days=30)
    planned_end = today() + timedelta(days=30)
    measure = add_measure(case, employee, kindergarten, starts_on=start, ends_on=planned_end)

    evaluate(measure, employee, outcome=Evaluation.Outcome.END)

    measure.refresh_from_db()
    assert (measure.status, measure.ends_on) == (Measure.Status.ENDED, planned_end)


def test_continue_moves_the_evaluation_date(case, employee, kindergarten):
    measure = add_measure(case, employee, kindergarten)
    next_due = today() + timedelta(days=42)

    evaluate(measure, employee, outcome=Evaluation.Outcome.CONTINUE, next_evaluation_due=next_due)

    measure.refresh_from_db()
    assert (measure.status, measure.evaluation_due) == (Measure.Status.ACTIVE, next_due)


def test_an_ended_measure_cannot_be_evaluated_again(case, employee, kindergarten):
    measure = add_measure(case, employee, kindergarten)
    evaluate(measure, employee, outcome=Evaluation.Outcome.END)
    with pytest.raises(ValidationError):
        evaluate(measure, employee, outcome=Evaluation.Outcome.END)
    assert measure.evaluations.count() == 1


def test_evaluation_through_the_form_ends_the_measure(case, employee_client, kindergarten):
    measure = add_measure(case, case.responsible, kindergarten)
    url = reverse("cases:evaluation_new", args=[case.pk, measure.pk])
    assert employee_client.get(url).status_code == 200

    response = employee_client.post(
        url,
        {
            "evaluated_on": today().isoformat(),
            "effect": "Målet er nådd.",
            "child_experience": "Ola sier det er fint nå.",
            "guardians_view": "Foresatte er fornøyde.",
            "outcome": Evaluation.Outcome.END,
            "next_evaluation_due": "",
            "idempotency_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == Measure.Status.ENDED
    assert AuditEvent.objects.filter(case_id=case.pk, detail="evaluation").count() == 1
    # The page still shows the evaluation, without a form.
    response = employee_client.get(url)
    assert response.context["form"] is None
    assert "Ola sier det er fint nå." in response.text


def test_continuing_needs_a_next_evaluation_date(case, employee_client, kindergarten):
    measure = add_measure(case, case.responsible, kindergarten)

    response = employee_client.post(
        reverse("cases:evaluation_new", args=[case.pk, measure.pk]),
        {
            "evaluated_on": today().isoformat(),
            "effect": "Noe bedre.",
            "child_experience": "Ola vet ikke.",
            "guardians_view": "Usikre.",
            "outcome": Evaluation.Outcome.CHANGE,
            "idempotency_key": str(uuid.uuid4()),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["next_evaluation_due"] == [
        "Skriv når tiltaket skal evalueres neste gang."
    ]
    assert not Evaluation.objects.exists()


def test_measure_of_another_case_is_404(case, employee, employee_client, kindergarten):
    other_case = services.case_open(
        user=employee,
        service=kindergarten,
        child=case.child,
        concern=services.ConcernData("Ny undring", today(), "Ute", 1),
    )
    measure = add_measure(other_case, employee, kindergarten)

    url = reverse("cases:evaluation_new", args=[case.pk, measure.pk])
    assert employee_client.get(url).status_code == 404


def test_user_of_another_service_gets_404_on_the_evaluation(
    case, employee, kindergarten, make_user, client
):
    measure = add_measure(case, employee, kindergarten)
    client.force_login(make_user(Role.LEADER, service=ServiceFactory(name="Eikebakken skole")))
    assert client.get(reverse("cases:evaluation_new", args=[case.pk, measure.pk])).status_code == (
        404
    )


def test_evaluations_of_a_closed_case_can_be_read_but_not_added(
    case, employee, employee_client, kindergarten
):
    measure = add_measure(case, employee, kindergarten)
    evaluate(measure, employee)
    case.status = case.Status.CLOSED
    case.save(update_fields=["status"])
    url = reverse("cases:evaluation_new", args=[case.pk, measure.pk])

    response = employee_client.get(url)
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "Ola sier det er fint at Kari er der." in response.text
    assert employee_client.post(url, {}).status_code == 403


# --- The case page ------------------------------------------------------------------------------


def test_overdue_tag_is_shown_for_an_active_measure_past_its_evaluation_date(
    case, employee, employee_client, kindergarten
):
    add_measure(
        case,
        employee,
        kindergarten,
        description="Overdue measure",
        starts_on=today() - timedelta(days=40),
        evaluation_due=today() - timedelta(days=1),
    )

    response = employee_client.get(reverse("cases:detail", args=[case.pk]))

    section = response.text.split('id="measures-title"')[1].split("</section>")[0]
    assert "Overdue measure" in section
    assert "Forfalt" in section


def test_no_overdue_tag_when_due_today_or_ended(case, employee, employee_client, kindergarten):
    add_measure(case, employee, kindergarten, description="Due today", evaluation_due=today())
    ended = add_measure(
        case,
        employee,
        kindergarten,
        description="Ended",
        starts_on=today() - timedelta(days=40),
        evaluation_due=today() - timedelta(days=1),
    )
    evaluate(ended, employee, outcome=Evaluation.Outcome.END)

    response = employee_client.get(reverse("cases:detail", args=[case.pk]))

    section = response.text.split('id="measures-title"')[1].split("</section>")[0]
    assert "Due today" in section
    assert "Ended" in section
    assert "Forfalt" not in section


def _fill(case, user, service, count):
    for n in range(count):
        meeting = services.meeting_invite(
            case=case,
            user=user,
            kind="samarbeidsmote",
            # Held on the days before (a referat is written once the meeting has started).
            starts_at=timezone.now() - timedelta(days=1 + n),
            place=f"Rom {n}",
            agenda="Samarbeid",
            participants=[user],
            participant_services=[service],
        )
        services.minutes_save(meeting=meeting, user=user, data={"present": "Alle"}, version=0)
        measure = add_measure(
            case,
            user,
            service,
            description=f"Tiltak {n}",
            starts_on=today() - timedelta(days=40),
            evaluation_due=today() - timedelta(days=n),
        )
        evaluate(measure, user)


@pytest.mark.parametrize("count", [1, 10])
def test_case_page_keeps_a_fixed_query_count(
    case, employee, employee_client, kindergarten, django_assert_max_num_queries, count
):
    _fill(case, employee, kindergarten, count)

    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        response = employee_client.get(reverse("cases:detail", args=[case.pk]))

    assert response.status_code == 200
    assert response.text.count("Referat (versjon 1)") == count
    assert "Tiltak 9" in response.text if count == 10 else "Tiltak 0" in response.text
