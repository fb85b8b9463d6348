"""The new child's form offers siblings only among the children the user may see: those with a
guardian in common with the new child, and the few a search finds. It never lists every child
the user may see."""

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse

from bts.models import AuditEvent, Role
from cases import services
from cases.events import CaseAudit
from cases.models import Child

pytestmark = pytest.mark.django_db
URL = reverse("cases:child_new")
HTMX = {"HX-Request": "true", "HX-Target": "sibling-offer"}


def child_post(**extra) -> dict:
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "first_name": "Nora",
        "last_name": "Berg",
        "birth_date": "2021-05-02",
        "national_id": "",
        "guardians-TOTAL_FORMS": "2",
        "guardians-INITIAL_FORMS": "0",
        "guardians-MIN_NUM_FORMS": "0",
        "guardians-MAX_NUM_FORMS": "4",
        "guardians-0-has_parental_responsibility": "on",
        "guardians-1-has_parental_responsibility": "on",
    }
    return data | extra


def search(**extra) -> dict:
    return child_post(find_siblings="1", **extra)


def offered(html: str) -> list[str]:
    """The children offered as siblings, by the labels of their checkboxes."""
    return re.findall(
        r'<label class="ds-label" data-weight="regular" for="id_siblings_\d+">([^<]+)<', html
    )


def register(user, first_name, last_name="Hansen", *, guardian="Lise Hansen", **guardian_fields):
    """A child the user registered (and so may see), with one guardian."""
    return services.child_create(
        user=user,
        child=services.ChildData(first_name, last_name, dt.date(2018, 6, 1)),
        guardians=[services.GuardianData(guardian, "mor", **guardian_fields)],
    )


@pytest.fixture
def colleague(make_user):
    return make_user(Role.EMPLOYEE, first_name="Tone")


def test_the_form_names_no_other_child_until_the_user_asks(employee_client, make_case):
    make_case(first_name="Åse")
    page = employee_client.get(URL).text
    assert "Åse" not in page
    assert 'name="siblings"' not in page
    assert 'name="sibling_query"' in page and 'name="find_siblings"' in page
    assert AuditEvent.objects.filter(kind=CaseAudit.CHILD_SEARCHED).count() == 0


def test_a_search_finds_a_child_the_user_may_see_and_never_another(
    employee, employee_client, colleague
):
    mine = register(employee, "Åse")
    theirs = register(colleague, "Åse", "Olsen", guardian="Kari Olsen")

    fragment = employee_client.post(URL, search(sibling_query="åse"), headers=HTMX).text

    assert "<html" not in fragment  # only the offer, swapped in place
    assert offered(fragment) == ["Åse Hansen, født 01.06.2018"]
    assert f'value="{mine.pk}"' in fragment and f'value="{theirs.pk}"' not in fragment
    assert "Olsen" not in fragment
    # By birth date too, and name and date together.
    for query in ("01.06.2018", "2018-06-01", "Åse 01.06.2018"):
        html = employee_client.post(URL, search(sibling_query=query), headers=HTMX).text
        assert offered(html) == ["Åse Hansen, født 01.06.2018"], query
    assert (
        offered(employee_client.post(URL, search(sibling_query="Olsen"), headers=HTMX).text) == []
    )


def test_without_javascript_the_search_shows_the_form_again_and_registers_nothing(
    employee, employee_client
):
    register(employee, "Åse")
    page = employee_client.post(URL, search(first_name="", sibling_query="Åse")).text
    assert offered(page) == ["Åse Hansen, født 01.06.2018"]
    assert 'value="Berg"' in page  # what was written stays
    assert "bts-error-summary" not in page and "ds-validation-message" not in page
    assert Child.objects.count() == 1


def test_children_with_a_guardian_in_common_are_offered(employee, employee_client, colleague):
    register(employee, "Åse", email="lise@example.invalid")
    register(employee, "Bjørn", guardian="Per Hansen", phone="+47 900 11 222")
    register(employee, "Cato", guardian="Mona Dahl")
    register(colleague, "Dina", email="lise@example.invalid")  # not the user's to see

    def offer(**guardian) -> list[str]:
        data = search(**{f"guardians-0-{k}": v for k, v in guardian.items()})
        return offered(employee_client.post(URL, data, headers=HTMX).text)

    assert offer(name="lise  HANSEN") == ["Åse Hansen, født 01.06.2018"]
    assert offer(email="LISE@example.invalid") == ["Åse Hansen, født 01.06.2018"]
    assert offer(phone="900 11 222") == ["Bjørn Hansen, født 01.06.2018"]
    assert offer(name="Kari Nordmann") == []


def test_a_guardian_changed_asks_for_the_offer_again(employee_client):
    page = employee_client.get(URL).text
    offer = re.search(r'<div id="sibling-offer"[^>]*>', page)[0]
    assert 'hx-trigger="change from:[data-sibling-key]"' in offer
    for name in ("name", "phone", "email"):
        assert re.search(rf'<input[^>]*name="guardians-0-{name}"[^>]*data-sibling-key', page)


def test_a_ticked_sibling_is_registered_with_the_child(employee, employee_client):
    sister = register(employee, "Åse")
    response = employee_client.post(URL, child_post(siblings=[sister.pk]))
    assert response.status_code == 302
    assert list(Child.objects.get(first_name="Nora").siblings.all()) == [sister]


def test_a_ticked_sibling_stays_offered_when_the_form_comes_back(employee, employee_client):
    sister = register(employee, "Åse")
    page = employee_client.post(URL, child_post(first_name="", siblings=[sister.pk])).text
    assert re.search(
        rf'<input type="checkbox" name="siblings" value="{sister.pk}"[^>]*checked', page
    )


def test_a_child_the_user_may_not_see_cannot_be_posted_as_a_sibling(employee_client, colleague):
    theirs = register(colleague, "Dina", "Olsen")
    page = employee_client.post(URL, child_post(siblings=[theirs.pk])).text
    assert 'id="id_siblings_error"' in page
    assert "Dina" not in page
    assert not Child.objects.filter(first_name="Nora").exists()


def test_a_search_shows_a_few_and_says_when_there_are_more(employee, employee_client):
    for i in range(8):
        register(employee, f"Åse{i}")
    html = employee_client.post(URL, search(sibling_query="Åse"), headers=HTMX).text
    assert len(offered(html)) == 5
    assert "Søket fant flere barn enn dette." in html


def test_each_search_is_one_audited_read_without_the_words(employee, employee_client):
    register(employee, "Åse")
    employee_client.post(URL, search(sibling_query="Åse"), headers=HTMX)
    event = AuditEvent.objects.get(kind=CaseAudit.CHILD_SEARCHED)
    assert event.actor == employee and event.detail == "siblings:1"
    assert "Åse" not in f"{event.detail} {event.reason}"


def test_the_form_and_a_search_keep_their_query_count_however_many_children(
    employee, employee_client, django_assert_max_num_queries
):
    register(employee, "Åse")
    employee_client.get(URL)  # the session renewal and the guide's copy, not counted below
    # session, the user (with memberships and second factor), + SAVEPOINT/RELEASE of the
    # request's transaction: no child is read for the form.
    with django_assert_max_num_queries(4) as page:
        employee_client.get(URL)
    # The same, and the children with a guardian in common, those found, the audit event.
    with django_assert_max_num_queries(7) as searched:
        employee_client.post(
            URL, search(sibling_query="Åse", **{"guardians-0-name": "Lise Hansen"}), headers=HTMX
        )
    for i in range(30):
        register(employee, f"Åse{i}")
    with django_assert_max_num_queries(len(page)):
        assert "Åse" not in employee_client.get(URL).text
    with django_assert_max_num_queries(len(searched)):
        employee_client.post(
            URL, search(sibling_query="Åse", **{"guardians-0-name": "Lise Hansen"}), headers=HTMX
        )


def test_enter_in_a_field_registers_and_not_searches(employee_client):
    """The form's default button is the first submit button: the one that registers."""
    page = employee_client.get(URL).text
    form = page.split('<form method="post" action="/saker/ny/barn/nytt/"', 1)[1]
    first = re.search(r"<button[^>]*>", form)[0]
    assert 'type="submit"' in first and "name=" not in first
    search_field = re.search(r'<input type="search" name="sibling_query"[^>]*>', page)[0]
    assert 'data-enter-clicks="find-siblings"' in search_field
    assert 'id="find-siblings"' in page
