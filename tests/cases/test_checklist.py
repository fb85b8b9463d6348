import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import services
from cases.models import StepCheck
from levels.models import Step
from levels.selectors import guide_cache_clear

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist_step(guide):
    """Give step 0.1 a known checklist, as a municipality's guide file would."""
    Step.objects.filter(code="0.1").update(checklist=["Skriv ned observasjoner", "Drøft med leder"])
    guide_cache_clear()  # an update sends no signal; the process keeps the guide in memory


def test_items_come_from_the_guide_or_else_from_the_bullets_of_what_to_do(guide):
    step = Step.objects.get(code="1.2")
    step.checklist = []
    assert "ansvarsfordeling" in step.checklist_items
    step.checklist = ["Én ting"]
    assert step.checklist_items == ["Én ting"]


def test_ticking_items_records_who_and_only_items_of_the_step(make_case, employee, checklist_step):
    case = make_case()
    done = services.checklist_save(
        case=case, user=employee, step_code="0.1",
        checked={"Skriv ned observasjoner", "Noe som ikke står i veilederen"},
    )  # fmt: skip
    assert done == {"Skriv ned observasjoner"}
    check = StepCheck.objects.get()
    assert (check.step_code, check.checked_by) == ("0.1", employee)

    services.checklist_save(case=case, user=employee, step_code="0.1", checked=set())
    assert not StepCheck.objects.exists()


def test_a_stale_checklist_for_an_earlier_step_is_refused(make_case, employee, checklist_step):
    case = make_case()
    services.checklist_save(
        case=case, user=employee, step_code="0.1", checked={"Skriv ned observasjoner"}
    )
    services.step_complete(
        case=case, user=employee, step_code="0.1", summary="", skip_reason="Drøftet i går."
    )
    with pytest.raises(ValidationError, match="annet trinn"):
        services.checklist_save(
            case=case, user=employee, step_code="0.1", checked={"Drøft med leder"}
        )


def test_completing_the_step_says_how_much_of_the_checklist_was_done(
    make_case, employee, checklist_step
):
    case = make_case()
    services.checklist_save(case=case, user=employee, step_code="0.1", checked={"Drøft med leder"})
    # The guide requires the whole checklist at 0.1: half of it is not "done" ...
    with pytest.raises(ValidationError) as refused:
        services.step_complete(case=case, user=employee, step_code="0.1", summary="Notert.")
    assert "sjekklisten" in refused.value.message_dict["skip_reason"][0]
    case.refresh_from_db()
    assert case.step_code == "0.1" and not case.relay_entries.filter(kind="step_done").exists()
    # ... unless the holder says why it is done without; the log keeps what was skipped and why.
    services.step_complete(
        case=case, user=employee, step_code="0.1", summary="Notert.", skip_reason="Leder var syk."
    )
    text = case.relay_entries.get(kind="step_done").text
    assert text == (
        "0.1 Undring oppstår er gjort. Sjekkliste: 1 av 2 punkter. Gjort uten: alle punktene i "
        "sjekklisten er krysset av. Hvorfor: Leder var syk. Notert."
    )


def test_checklist_on_the_case_page_and_as_an_htmx_fragment(
    employee_client, make_case, checklist_step
):
    case = make_case()
    page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    assert "Sjekkliste for trinnet" in page and "Skriv ned observasjoner" in page

    response = employee_client.post(
        reverse("cases:checklist", args=[case.pk]),
        {"step_code": "0.1", "item": ["Drøft med leder"]},
        headers={"HX-Request": "true", "HX-Target": "checklist"},
    )
    assert response.status_code == 200
    assert response.text.strip().startswith('<form id="checklist"')
    assert 'value="Drøft med leder" id="check-2" checked' in response.text
    assert 'role="status">Sjekklisten er lagret.' in response.text

    # Without JavaScript the same form posts and comes back to the case page.
    response = employee_client.post(
        reverse("cases:checklist", args=[case.pk]), {"step_code": "0.1", "item": []}
    )
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert not StepCheck.objects.exists()


def test_another_services_user_cannot_tick(client, make_case, make_user, school, checklist_step):
    from bts.models import Role

    case = make_case()
    client.force_login(make_user(Role.LEADER, service=school))
    response = client.post(
        reverse("cases:checklist", args=[case.pk]),
        {"step_code": "0.1", "item": ["Drøft med leder"]},
    )
    assert response.status_code == 404
    assert not StepCheck.objects.exists()
