"""A case's step in a list: its code and its title from the active guide, without a query."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from levels.selectors import active_guide

pytestmark = pytest.mark.django_db
TEMPLATE = Template("{% load guide_steps %}{% step_label code %}")


def label(request, code: str) -> str:
    return TEMPLATE.render(Context({"request": request, "code": code}))


def test_a_step_is_shown_with_its_title_and_costs_no_query_once_the_guide_is_read(guide):
    request = RequestFactory().get("/")
    active_guide()  # the process's copy, as every page's layout has it
    with CaptureQueriesContext(connection) as queries:
        shown = [label(request, code) for code in ("0.1", "1.3", "0.1")]
    assert shown == ["0.1 Undring oppstår", "1.3 Gjennomføre og evaluere tiltak", shown[0]]
    assert len(queries) == 0


def test_a_code_the_guide_no_longer_has_is_shown_alone(guide):
    assert label(RequestFactory().get("/"), "9.9") == "9.9"


def test_without_a_guide_or_a_request_the_code_stands_alone(db):
    assert label(RequestFactory().get("/"), "0.1") == "0.1"
    assert TEMPLATE.render(Context({"code": "0.1"})) == "0.1"


def test_the_title_is_escaped(guide):
    from levels.models import Step

    Step.objects.filter(code="0.1").update(title="<b>Undring</b>")
    assert label(RequestFactory().get("/"), "0.1") == "0.1 &lt;b&gt;Undring&lt;/b&gt;"
