import pytest
from django.test import Client
from django.urls import reverse

from bts.models import Role
from levels.loader import load_guide
from levels.models import Step
from tests.conftest import GUIDES
from tests.factories import ServiceFactory
from tests.levels.test_loader import OVRE_EIKER_STEPS

pytestmark = pytest.mark.django_db


def test_guide_page_lists_the_levels_and_every_step(employee_client, guide):
    response = employee_client.get(reverse("levels:guide"))

    assert response.status_code == 200
    html = response.text
    for number, title in guide.levels.values_list("number", "title"):
        assert f"Nivå {number} – {title}" in html
    for code in OVRE_EIKER_STEPS:
        assert reverse("levels:step", args=[code]) in html
    assert html.count('<polygon points="') == 4, "the pyramid has one band per level"


def test_guide_page_shows_vestby_once_vestby_is_loaded(employee_client, guide, make_user):
    vestby = load_guide(GUIDES / "vestby.toml")
    school = ServiceFactory(name="Vestby skole", kind="school", municipality=vestby.municipality)
    client = Client()
    client.force_login(make_user(Role.EMPLOYEE, service=school))

    html = client.get(reverse("levels:guide")).text

    assert "Vestby kommune" in html
    assert "64 98 02 12" in html  # Vestby's barnevern number in the akutt box
    assert "Øvre Eiker kommune" not in html
    # Each municipality's staff see their own municipality's guide.
    html = employee_client.get(reverse("levels:guide")).text
    assert "Øvre Eiker kommune" in html and "Vestby kommune" not in html


def test_step_page_shows_the_guidance_of_the_step(employee_client, guide):
    step = Step.objects.get(level__guide=guide, code="1.2")

    response = employee_client.get(reverse("levels:step", args=["1.2"]))

    assert response.status_code == 200
    html = response.text
    assert "Samarbeidsmøte med foresatte" in html
    for heading in ("Situasjon", "Hva gjør du, og hvordan", "Hvem har ansvar", "Verktøy"):
        assert heading in html
    assert step.tools[0] in html
    assert reverse("levels:step", args=["1.1"]) in html  # previous step
    assert reverse("levels:step", args=["1.3"]) in html  # next step


def test_decision_step_says_it_is_a_decision(employee_client, guide):
    html = employee_client.get(reverse("levels:step", args=["0.4"])).text
    assert "beslutningspunkt" in html


def test_unknown_step_is_404(employee_client, guide):
    assert employee_client.get(reverse("levels:step", args=["9.9"])).status_code == 404


def test_guide_pages_need_login(client, guide):
    for url in (reverse("levels:guide"), reverse("levels:step", args=["1.2"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_without_a_loaded_guide_the_guide_page_is_404(employee_client):
    assert employee_client.get(reverse("levels:guide")).status_code == 404


def test_guide_text_is_escaped_never_rendered_as_html(employee_client, guide):
    Step.objects.filter(code="1.2").update(
        what_to_do="<script>alert(1)</script>\n- punkt <b>fet</b>"
    )

    html = employee_client.get(reverse("levels:step", args=["1.2"])).text

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>punkt &lt;b&gt;fet&lt;/b&gt;</li>" in html


@pytest.mark.parametrize("url_name,args", [("levels:guide", []), ("levels:step", ["2.4"])])
def test_guide_pages_keep_a_fixed_query_count(
    employee_client, guide, django_assert_max_num_queries, url_name, args
):
    # session, user, second factor's device, memberships, guide, contacts, levels+steps or
    # step+neighbours, the toolbox's tool names, + SAVEPOINT/RELEASE inside the test.
    with django_assert_max_num_queries(11):  # + SAVEPOINT/RELEASE of ATOMIC_REQUESTS
        assert employee_client.get(reverse(url_name, args=args)).status_code == 200
