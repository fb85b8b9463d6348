"""The guide's step pages link the tools, the catalogue and the contact list they name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from levels.models import Step

pytestmark = pytest.mark.django_db


def test_step_page_links_the_tools_it_recommends(employee_client, guide, toolbox):
    html = employee_client.get(reverse("levels:step", args=["0.4"])).text

    assert '<a class="ds-link" href="/verktoy/undringsskjemaer/">Undringsskjemaer</a>' in html
    assert (
        '<a class="ds-link" href="/verktoy/bekymringsskala-barn/">Bekymringskala barn</a>' in html
    )
    # The guide's own wording, with its remark in brackets, links the consent form.
    assert (
        '<a class="ds-link" href="/verktoy/samtykkeskjema/">'
        "Samtykkeskjema for alle tjenester (evt., om saken skal drøftes)</a>"
    ) in html
    # The guidance list links the catalogue.
    assert (
        '<a class="ds-link" href="/tiltak/">'
        "Informasjon om familiehjelpa og andre hjelpetjenester til foresatte</a>"
    ) in html


def test_a_name_without_a_tool_stays_plain_text(employee_client, guide, toolbox):
    html = employee_client.get(reverse("levels:step", args=["0.4"])).text

    assert "<li>Referat fra møter</li>" in html
    html = employee_client.get(reverse("levels:step", args=["1.4"])).text
    assert "<li>Rutiner for tverrfaglig team</li>" in html
    assert "<li>Bekymringsfullt fravær</li>" in html


def test_step_page_links_nothing_without_a_toolbox(employee_client, guide):
    html = employee_client.get(reverse("levels:step", args=["0.4"])).text

    assert "/verktoy/" not in html.split('id="s-tools"')[1]
    assert "<li>Undringsskjemaer</li>" in html


def test_guide_names_the_catalogue_and_contact_list_link_there(employee_client, guide, toolbox):
    html = employee_client.get(reverse("levels:step", args=["2.1"])).text

    assert '<a class="ds-link" href="/kontakter/">Kontaktliste hjelpetjenester</a>' in html
    assert '<a class="ds-link" href="/tiltak/">Tiltaksoversikt</a>' in html


def test_step_page_reads_the_tool_names_once_whatever_it_lists(
    employee_client, guide, toolbox, django_assert_max_num_queries
):
    # 0.4 lists five tools and one guidance item, 0.1 one of each: the same single read.
    for code in ("0.4", "0.1"):
        with CaptureQueriesContext(connection) as queries:
            assert employee_client.get(reverse("levels:step", args=[code])).status_code == 200
        tool_reads = [q for q in queries.captured_queries if '"toolbox_tool"' in q["sql"]]
        assert len(tool_reads) == 1, code
    Step.objects.filter(code="0.4").update(tools=[f"Verktøy {i}" for i in range(40)])
    with django_assert_max_num_queries(12):  # the same budget as tests/levels
        assert employee_client.get(reverse("levels:step", args=["0.4"])).status_code == 200
