"""One rule each, everywhere: every form of the project's apps has the design system's text rule
(invisible-only text is no text) and every date field its plausible range. A sweep over every
form class, so a new form cannot miss them; and the forms that add fields as they are built."""

import datetime as dt
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.utils import timezone

from bts.dates import Plausible
from bts.forms import DesignSystemMixin

ROOT = Path(__file__).resolve().parents[2]

# Forms left out on purpose, and why.
WITHOUT_THE_MIXIN = {
    # No text a person types in any of them:
    "family.forms.ConsentWithdrawForm": "one checkbox, rendered by its page",
    "family.forms.LanguageForm": "a language from a list and the page to return to",
    "toolbox.forms.CatalogueConfirmForm": "a hidden fingerprint of the preview",
}
DATES_WITH_THEIR_OWN_RANGE = {
    # From tomorrow to 60 days ahead (NoteForm.clean_shared_from), narrower than any kind.
    ("cases.forms.case.NoteForm", "shared_from"),
}


def project_forms() -> list[type[forms.BaseForm]]:
    found = set()
    for app in apps.get_app_configs():
        path = Path(app.path)
        if not path.is_relative_to(ROOT) or ".venv" in path.relative_to(ROOT).parts:
            continue
        try:
            package = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [
                importlib.import_module(f"{package.__name__}.{info.name}")
                for info in pkgutil.iter_modules(package.__path__)
            ]
        for module in modules:
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, forms.BaseForm)
                    and cls.__module__ == module.__name__
                    and hasattr(cls, "base_fields")
                ):
                    found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def name(cls) -> str:
    return f"{cls.__module__}.{cls.__name__}"


def test_the_sweep_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[0] for cls in project_forms()}
    assert {"bts", "cases", "familiehjelpa", "toolbox", "dashboards"} <= modules
    assert len(project_forms()) > 40


@pytest.mark.parametrize("cls", project_forms(), ids=name)
def test_every_form_has_the_design_systems_text_rule(cls):
    assert issubclass(cls, DesignSystemMixin) or name(cls) in WITHOUT_THE_MIXIN, (
        f"{name(cls)}: mix in bts.forms.DesignSystemMixin (the text rule and the styling)"
    )


@pytest.mark.parametrize("cls", project_forms(), ids=name)
def test_every_date_field_has_its_plausible_range(cls):
    for field_name, field in cls.base_fields.items():
        if not isinstance(field, forms.DateField | forms.DateTimeField):
            continue
        if (name(cls), field_name) in DATES_WITH_THEIR_OWN_RANGE:
            continue
        assert any(isinstance(v, Plausible) for v in field.validators), (
            f"{name(cls)}.{field_name}: give it validators=[plausible(kind)] (bts.dates)"
        )


@pytest.mark.django_db
def test_duken_fields_made_as_the_form_is_built_have_the_rules_too():
    from familiehjelpa.forms import DukenForm

    today = timezone.localdate()
    form = DukenForm(
        data={
            "based_on": 0,
            "plan_for": "\u200b\u200d",
            "held_on": "9999-12-31",
            "short_term_by": "0001-01-01",
            "long_term_by": (today + dt.timedelta(days=365 * 10)).isoformat(),
        }
    )
    assert not form.is_valid()
    assert form.errors["plan_for"] == ["Skriv noe som kan leses."]
    for field in ("held_on", "short_term_by", "long_term_by"):
        assert field in form.errors, field
    assert "ds-input" in form.fields["plan_for"].widget.attrs["class"]
    assert form.fields["held_on"].widget.input_type == "date"

    good = DukenForm(
        data={
            "based_on": 0,
            "plan_for": "Familien Hansen",
            "held_on": today.isoformat(),
            "short_term_by": (today + dt.timedelta(days=30)).isoformat(),
            "long_term_by": (today + dt.timedelta(days=365)).isoformat(),
        }
    )
    assert good.is_valid(), good.errors
