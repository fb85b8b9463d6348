"""The undring forms offer the toolbox's worry scale and factor checklists inline, with links to
the tools' guidance; what is ticked is kept with the concern and shown on the case page."""

import ast
import re
import uuid
from pathlib import Path

import pytest
from django.urls import reverse

from cases.models import Concern
from tests.conftest import ROOT
from toolbox.services import toolbox_load

pytestmark = pytest.mark.django_db

RISK = "Mye fravær fra barnehage eller skole"  # part 1, "Hos barnet"
RISK_2 = "Få eller ingen venner"  # part 2, "Venner, fritid og nærmiljø"
PROTECTIVE = "Har minst én venn"


@pytest.fixture
def toolbox(db):
    return toolbox_load(path=ROOT / "fixtures" / "verktoy" / "ovre-eiker.toml")


def concern_post(**extra) -> dict:
    return {
        "idempotency_key": str(uuid.uuid4()),
        "observation": "Sover ofte i samlingsstunden.",
        "observed_on": "2026-11-20",
        "setting": "I samlingsstunden",
        "worry": "3",
        **extra,
    }


def test_the_undring_form_offers_the_scale_with_what_each_step_means(
    employee_client, make_case, toolbox
):
    case = make_case()
    html = employee_client.get(reverse("cases:concern_new", args=[case.child.pk])).text
    worry = html.split('name="worry"', 1)[1]
    assert "Ganske bekymret" in worry
    assert "det trengs tiltak" in worry  # step 3's description from the toolbox
    # Each description is tied to its radio button.
    assert re.search(r'<input type="radio" name="worry" value="3"[^>]*aria-describedby="', html)
    assert 'href="/verktoy/bekymringsskala-barn/"' in html
    assert 'href="/verktoy/bekymringsskala-voksne/"' in html


def test_the_undring_form_offers_the_factor_checklists_of_both_parts(
    employee_client, make_case, toolbox
):
    case = make_case()
    html = employee_client.get(reverse("cases:concern_new", args=[case.child.pk])).text
    for item in (RISK, RISK_2, PROTECTIVE):
        assert f'value="{item}"' in html
    assert "Venner, fritid og nærmiljø" in html  # a list's heading
    assert 'name="risk_factor_items"' in html and 'name="protective_factor_items"' in html
    assert 'href="/verktoy/risiko-og-beskyttelsesfaktorer-del-1/"' in html
    assert 'href="/verktoy/risiko-og-beskyttelsesfaktorer-del-2/"' in html
    # The guide's first step names the undring form: its guidance is linked.
    assert 'href="/verktoy/undringsskjemaer/"' in html
    assert "Annet, og hva du bygger det på" in html  # the free text stays, for the rest


def test_what_is_ticked_is_kept_with_the_concern_and_shown_on_the_case(
    employee_client, make_case, toolbox
):
    case = make_case()
    response = employee_client.post(
        reverse("cases:concern_add", args=[case.pk]),
        concern_post(
            risk_factor_items=[RISK, RISK_2],
            protective_factor_items=[PROTECTIVE],
            risk_factors="Mor sier at hun sover dårlig.",
        ),
    )
    assert response.status_code == 302
    concern = Concern.objects.get(case=case, observation="Sover ofte i samlingsstunden.")
    assert concern.risk_factor_items == [RISK, RISK_2]
    assert concern.protective_factor_items == [PROTECTIVE]
    assert concern.risk_factors == "Mor sier at hun sover dårlig."
    page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    for text in (f"<li>{RISK}</li>", f"<li>{PROTECTIVE}</li>", "Mor sier at hun sover dårlig."):
        assert text in page


def test_a_new_undring_keeps_what_is_ticked(employee_client, make_case, toolbox):
    child = make_case().child
    employee_client.post(
        reverse("cases:concern_new", args=[child.pk]),
        concern_post(protective_factor_items=[PROTECTIVE]),
    )
    assert Concern.objects.filter(protective_factor_items=[PROTECTIVE]).count() == 1


def test_a_factor_not_on_the_lists_is_refused(employee_client, make_case, toolbox):
    case = make_case()
    response = employee_client.post(
        reverse("cases:concern_add", args=[case.pk]),
        concern_post(risk_factor_items=["Noe helt annet"]),
    )
    assert response.status_code == 200
    assert "er ikke et av valgene" in response.text or "gyldig valg" in response.text
    assert not Concern.objects.filter(observation="Sover ofte i samlingsstunden.").exists()


def folds(html: str) -> dict[str, bool]:
    """Each factor checklist's fold on the page: whether it is open."""
    found = re.findall(r'<details class="bts-fold" id="id_(\w+)_fold"( open)?>', html)
    return {name: bool(is_open) for name, is_open in found}


def test_the_factor_checklists_fold_closed_on_a_new_form(employee_client, make_case, toolbox):
    child = make_case().child
    html = employee_client.get(reverse("cases:concern_new", args=[child.pk])).text
    assert folds(html) == {"risk_factor_items": False, "protective_factor_items": False}
    # Each fold holds its checklist and its free text; the rest of the form is not folded.
    risk = html.split('id="id_risk_factor_items_fold"', 1)[1].split("</details>", 1)[0]
    assert f'value="{RISK}"' in risk and 'name="risk_factors"' in risk
    assert '<summary class="bts-fold__summary">Risikofaktorer du ser</summary>' in risk
    assert 'name="observation"' not in risk and 'name="protective_factors"' not in risk


def test_a_fold_comes_back_open_when_something_in_it_is_filled(employee_client, make_case, toolbox):
    child = make_case().child
    url = reverse("cases:concern_new", args=[child.pk])
    # What was seen is missing: the form comes back, the ticked checklist open with its count.
    html = employee_client.post(
        url, concern_post(observation="", risk_factor_items=[RISK, RISK_2])
    ).text
    assert folds(html) == {"risk_factor_items": True, "protective_factor_items": False}
    assert 'Risikofaktorer du ser <span class="bts-fold__count">(2 krysset av)</span>' in html
    # The free text alone opens its fold too, on the case's own undring form as well.
    case = make_case()
    html = employee_client.post(
        reverse("cases:concern_add", args=[case.pk]),
        concern_post(observation="", protective_factors="God venn i klassen"),
    ).text
    assert folds(html) == {"risk_factor_items": False, "protective_factor_items": True}


def test_a_fold_with_an_error_in_it_is_open(employee_client, make_case, toolbox):
    case = make_case()
    html = employee_client.post(
        reverse("cases:concern_add", args=[case.pk]),
        concern_post(protective_factor_items=["Noe helt annet"]),
    ).text
    assert folds(html)["protective_factor_items"] is True


def test_without_a_toolbox_the_form_is_the_plain_one(employee_client, make_case):
    case = make_case()
    url = reverse("cases:concern_add", args=[case.pk])
    html = employee_client.get(url).text
    assert 'name="risk_factor_items"' not in html and "bts-tool-links" not in html
    assert "Risikofaktorer du ser" in html  # the free text, as before
    assert folds(html) == {}  # nothing to fold
    assert employee_client.post(url, concern_post(risk_factors="Fravær")).status_code == 302


def test_older_concerns_with_free_text_factors_still_show(employee_client, make_case, toolbox):
    case = make_case()
    Concern.objects.filter(case=case).update(
        risk_factors="Mye fravær i høst", protective_factors="God venn i klassen"
    )
    page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
    assert "<strong>Risikofaktorer:</strong> Mye fravær i høst" in page
    assert "<strong>Beskyttelsesfaktorer:</strong> God venn i klassen" in page


def test_the_cases_app_does_not_import_the_toolbox():
    for path in Path(ROOT / "cases").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] == "toolbox"], path
