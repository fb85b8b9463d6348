"""A case belongs to the child's home municipality and follows its guide, words and language
form, whichever municipality hosts the services working on it."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bts.models import Role
from cases import services
from cases.models import Case, Child
from levels.loader import load_guide
from tests.conftest import GUIDES
from tests.factories import ServiceFactory, home_municipality

pytestmark = pytest.mark.django_db

CONCERN = services.ConcernData(
    observation="Kom uten matpakke.", observed_on=dt.date(2026, 12, 1), setting="Lunsj", worry=2
)


@pytest.fixture
def fjordvik(guide):
    return load_guide(GUIDES / "fjordvik.toml").municipality


def test_no_case_for_a_child_of_a_municipality_the_service_does_not_serve(
    employee, kindergarten, fjordvik
):
    child = services.child_create(
        user=employee, child=services.ChildData("Lea", "Hauge", dt.date(2021, 3, 2)),
        municipality=fjordvik,
    )  # fmt: skip
    # Refused in the words of the child's municipality (nynorsk: Fjordvik's guide).
    with pytest.raises(ValidationError, match="Solsikken barnehage tener ikkje born frå Fjordvik"):
        services.case_open(user=employee, service=kindergarten, child=child, concern=CONCERN)
    assert not Case.objects.exists()


def test_the_concern_form_says_so_at_the_service_field(make_user, kindergarten, fjordvik):
    other = ServiceFactory(name="Fjordvik barnehage", municipality=fjordvik)
    user = make_user(Role.EMPLOYEE)
    from bts.services import membership_grant

    membership_grant(user=user, role=Role.EMPLOYEE, service=other)
    child = services.child_create(
        user=user, child=services.ChildData("Lea", "Hauge", dt.date(2021, 3, 2)),
        municipality=fjordvik,
    )  # fmt: skip
    client = Client()
    client.force_login(user)
    response = client.post(
        reverse("cases:concern_new", args=[child.pk]),
        {
            "service": kindergarten.pk,
            "observation": "Kom uten matpakke.",
            "observed_on": timezone.localdate().isoformat(),
            "setting": "Lunsj",
            "worry": 2,
            "idempotency_key": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    # At the service field, in the page's language form (the child's municipality's).
    error = response.text.split('id="id_service_error">')[1].split("</div>")[0]
    assert "Solsikken barnehage" in error and "Fjordvik kommune" in error
    assert not Case.objects.exists()


def test_a_shared_service_works_on_each_case_in_its_municipalitys_guide_and_language(
    make_user, fjordvik
):
    """A barnevern hosted by Øvre Eiker (bokmål) serving Fjordvik (nynorsk): its case of a
    Fjordvik child is at Fjordvik's first step, in Fjordvik's words, and its page in nynorsk;
    its case of an Øvre Eiker child in Øvre Eiker's."""
    shared = ServiceFactory(name="Barnevernet", kind="child_protection")
    shared.partner_municipalities.add(fjordvik)
    worker = make_user(Role.EMPLOYEE, service=shared)
    cases = {}
    for municipality in (fjordvik, home_municipality()):
        child = services.child_create(
            user=worker, child=services.ChildData("Nora", "Sæle", dt.date(2018, 1, 23)),
            municipality=municipality,
        )  # fmt: skip
        cases[municipality.number] = services.case_open(
            user=worker, service=shared, child=child, concern=CONCERN
        )
    nn, nb = cases["4699"], cases["3314"]
    assert (nn.municipality_id, nb.municipality_id) == (fjordvik.pk, home_municipality().pk)
    assert nn.relay_entries.first().text.startswith("Uro")
    assert nb.relay_entries.first().text.startswith("Undring")
    client = Client()
    client.force_login(worker)
    page = client.get(reverse("cases:detail", args=[nn.pk]))
    assert page["Content-Language"] == "nn" and '<html lang="nn"' in page.text
    # Its step links to Fjordvik's guide, in nynorsk, not the worker's own municipality's.
    step = reverse("levels:step", args=[nn.step_code]) + "?kommune=4699"
    assert step in page.text
    guide_page = client.get(step)
    assert guide_page["Content-Language"] == "nn" and "Fjordvik kommune" in guide_page.text
    assert client.get(reverse("levels:step", args=["0.1"]) + "?kommune=9998").status_code == 404
    page = client.get(reverse("cases:detail", args=[nb.pk]))
    assert page["Content-Language"] == "nb"
    # The worker's list says whose each case is.
    listed = client.get(reverse("cases:list")).text
    assert "<td>Fjordvik kommune</td>" in listed and "<td>Øvre Eiker kommune</td>" in listed
    # The start page is in the worker's own municipality's language form.
    assert client.get(reverse("start"))["Content-Language"] == "nb"
    assert Child.objects.filter(municipality=fjordvik).count() == 1


def test_a_service_given_a_meeting_or_a_handover_works_in_its_cases_municipality(
    make_user, fjordvik
):
    """Services handed a meeting or a handover (not the case) take the municipality from the
    row itself (its key), so a bokmål worker's refusal on a Fjordvik case is in nynorsk."""
    from cases.models import Handover, Meeting

    shared = ServiceFactory(name="Barnevernet", kind="child_protection")
    shared.partner_municipalities.add(fjordvik)
    worker, other = (make_user(Role.EMPLOYEE, service=shared) for _ in range(2))
    child = services.child_create(
        user=worker, child=services.ChildData("Nora", "Sæle", dt.date(2018, 1, 23)),
        municipality=fjordvik,
    )  # fmt: skip
    case = services.case_open(user=worker, service=shared, child=child, concern=CONCERN)
    meeting = Meeting.objects.create(
        case=case, kind="x", starts_at=timezone.now() + dt.timedelta(days=2), place="Rom",
        agenda="Korleis har barnet det?", invited_by=worker,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Referatet kan skrivast når møtet har byrja"):
        services.minutes_save(meeting=meeting, user=worker, data={"present": "Alle"}, version=0)
    handover = Handover.objects.create(case=case, from_user=worker, to_user=other)
    with pytest.raises(ValidationError, match="Berre den som har fått tilbodet, kan svare"):
        services.handover_answer(handover=handover, user=worker, accept=True)


def test_a_shared_services_worker_names_the_childs_home_municipality(make_user, fjordvik):
    from tests.cases.test_siblings import child_post

    shared = ServiceFactory(name="PP-tjenesten", kind="ppt")
    shared.partner_municipalities.add(fjordvik)
    client = Client()
    client.force_login(make_user(Role.EMPLOYEE, service=shared))
    url = reverse("cases:child_new")
    assert 'name="municipality"' in client.get(url).text
    # Asked, and required: without it nothing is registered.
    assert client.post(url, child_post()).status_code == 200
    assert not Child.objects.exists()
    response = client.post(url, child_post(municipality=fjordvik.pk))
    assert response.status_code == 302
    assert Child.objects.get().municipality == fjordvik


def test_one_municipality_is_not_asked(employee_client, guide):
    from tests.cases.test_siblings import child_post

    url = reverse("cases:child_new")
    assert 'name="municipality"' not in employee_client.get(url).text
    assert employee_client.post(url, child_post()).status_code == 302
    assert Child.objects.get().municipality == guide.municipality


def test_a_cases_documents_name_its_own_municipality(make_user, fjordvik):
    """With two guides in use, a document names the case's municipality, not any guide's."""
    from cases.documents import _meta

    shared = ServiceFactory(name="Barnevernet", kind="child_protection")
    shared.partner_municipalities.add(fjordvik)
    worker = make_user(Role.EMPLOYEE, service=shared)
    child = services.child_create(
        user=worker, child=services.ChildData("Nora", "Sæle", dt.date(2018, 1, 23)),
        municipality=fjordvik,
    )  # fmt: skip
    case = services.case_open(user=worker, service=shared, child=child, concern=CONCERN)
    assert _meta(case, "Sak").municipality == "Fjordvik kommune"


def test_a_report_goes_only_to_a_barnevern_serving_the_childs_municipality(
    make_case, employee, fjordvik
):
    from cases.models import ChildProtectionReport

    case = make_case()
    elsewhere = ServiceFactory(
        name="Fjord barnevern", kind="child_protection", municipality=fjordvik
    )
    with pytest.raises(ValidationError, match="Fjord barnevern"):
        services.report_file(
            case=case, user=employee, reported_at=timezone.now(), channel="phone",
            reason="Meldt.", received_by=elsewhere,
        )  # fmt: skip
    assert not ChildProtectionReport.objects.exists()
