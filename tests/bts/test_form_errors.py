"""The error summary every form shows (templates/_components/form_errors.html): each field's
message a link to the field, the form's own messages plain, focused when it appears."""

import re

from django import forms
from django.template.loader import render_to_string

from bts.forms import DesignSystemMixin
from tests.conftest import ROOT


class Example(DesignSystemMixin, forms.Form):
    name = forms.CharField(label="Navn")
    born = forms.DateField(label="Fødselsdato")
    kind = forms.ChoiceField(label="Type", choices=[("a", "A")], widget=forms.RadioSelect)
    key = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Saken er endret av en annen.")


def summary(form) -> str:
    return render_to_string("_components/form_errors.html", {"form": form})


def test_each_field_error_links_to_its_field_and_the_forms_own_is_a_plain_item():
    form = Example({"born": "ikke en dato", "kind": "a", "key": "x"})
    html = summary(form)
    assert re.findall(r'href="(#[^"]+)"', html) == ["#id_name", "#id_born"]
    assert '<a class="ds-link" href="#id_name">Navn – Feltet er påkrevet.</a>' in html
    assert "<li>Saken er endret av en annen.</li>" in html


def test_the_links_follow_the_forms_prefix_and_a_choice_group_is_linked_by_its_id():
    form = Example({"g-name": "Emma", "g-born": "2020-03-14", "g-key": "x"}, prefix="g")
    html = summary(form)
    assert re.findall(r'href="(#[^"]+)"', html) == ["#id_g-kind"]
    assert 'id="g-errors"' in html
    # The radio buttons' wrapper carries the id the link points to.
    assert '<div id="id_g-kind" class="bts-choices">' in str(form["kind"])


def test_the_summary_takes_focus_through_the_projects_script():
    html = summary(Example({}))
    opening = re.search(r'<div class="ds-alert bts-error-summary"[^>]*>', html)[0]
    assert 'tabindex="-1"' in opening and "data-focus-on-load" in opening
    assert 'role="alert"' in opening and 'aria-labelledby="form-errors-title"' in opening
    script = (ROOT / "static" / "js" / "bts.js").read_text()
    assert "[data-focus-on-load]" in script and ".bts-error-summary" in script


def test_a_valid_form_shows_no_summary():
    class Fine(forms.Form):
        name = forms.CharField()

    form = Fine({"name": "Emma"})
    assert summary(form).strip() == ""
