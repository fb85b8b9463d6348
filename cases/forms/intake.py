"""The start of a case: the akutt question, the undring, or an anonymous discussion."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BoundField
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin

from ..concern_tools import ConcernTools
from ..models import Concern
from .base import Form, _service_field


class AcuteQuestionForm(DesignSystemMixin, forms.Form):
    acute = forms.ChoiceField(
        label=_("Mistenker du vold, overgrep eller alvorlig omsorgssvikt?"),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Ved mistanke skal saken meldes direkte til barnevernet. Foresatte involveres ikke."
        ),
    )


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons with a description under each choice, tied to it by aria-describedby."""

    option_template_name = "cases/widgets/described_option.html"

    def __init__(self, *args, descriptions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.descriptions = descriptions

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["description"] = self.descriptions.get(value, "")
        if option["description"] and option["attrs"].get("id"):
            option["description_id"] = f"{option['attrs']['id']}_description"
            option["attrs"]["aria-describedby"] = option["description_id"]
        return option


def _factor_field(lists, label) -> forms.MultipleChoiceField:
    """One checkbox per factor, under its list's heading; an item in two lists is offered once."""
    seen: set[str] = set()
    choices = []
    for factor_list in lists:
        items = [item for item in factor_list.items if item not in seen]
        seen.update(items)
        if items:
            choices.append((factor_list.title, [(item, item) for item in items]))
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        help_text=_("Kryss av for det du faktisk vet, ikke det du antar."),
    )


@dataclass(frozen=True)
class FieldGroup:
    """Fields the undring form shows together: one field alone, or a factor checklist with its
    free text, folded under `label` and open when something in it is filled in or wrong."""

    fields: list[BoundField]
    label: str = ""
    folded: bool = False
    open: bool = False
    ticked: int = 0
    id: str = ""


# A factor checklist, and the free text that folds with it.
FACTOR_FOLDS = {
    "risk_factor_items": "risk_factors",
    "protective_factor_items": "protective_factors",
}


class ConcernForm(Form):
    observation = forms.CharField(
        label=_("Hva har du sett eller hørt?"),
        widget=forms.Textarea,
        help_text=_("Skriv fakta, ikke tolkninger: hva skjedde, hva sa barnet, hva gjorde du."),
    )
    observed_on = forms.DateField(
        label=_("Når"), initial=timezone.localdate, validators=[plausible("happened")]
    )
    setting = forms.CharField(
        label=_("I hvilken situasjon"),
        max_length=300,
        help_text=_("For eksempel i garderoben ved henting, i friminuttet."),
    )
    worry = forms.TypedChoiceField(
        label=_("Hvor bekymret er du?"),
        choices=Concern.Worry.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    risk_factors = forms.CharField(
        label=_("Risikofaktorer du ser"), widget=forms.Textarea, required=False
    )
    protective_factors = forms.CharField(
        label=_("Beskyttelsesfaktorer du ser"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, services=None, tools: ConcernTools | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        tools = tools or ConcernTools()
        self.form_links = tools.form_links
        steps = tools.worry_steps
        # The scale's steps, when they are the undring's worry values (a test keeps Øvre Eiker's
        # the same); a scale of other steps is linked, not offered.
        if steps and sorted(s.value for s in steps) == sorted(Concern.Worry.values):
            worry = self.fields["worry"]
            worry.choices = [(s.value, s.label) for s in steps]
            worry.widget = DescribedRadioSelect(
                choices=worry.choices,
                descriptions={s.value: s.description for s in steps},
                attrs={"class": "ds-input"},
            )
        self.fields["worry"].tool_links = tools.worry_links
        fields = dict(self.fields)
        order = ["observation", "observed_on", "setting", "worry"]
        for name, lists, label, other in (
            ("risk_factor_items", tools.risk, _("Risikofaktorer du ser"), "risk_factors"),
            (
                "protective_factor_items",
                tools.protective,
                _("Beskyttelsesfaktorer du ser"),
                "protective_factors",
            ),
        ):
            if lists:
                fields[name] = _factor_field(lists, label)
                fields[name].tool_links = tools.factor_links
                fields[other].label = _("Annet, og hva du bygger det på")
            order += [name, other] if lists else [other]
        self.fields = {
            **{name: fields[name] for name in order},
            **{name: f for name, f in fields.items() if name not in order},
        }
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"

    def clean_observed_on(self):
        value = self.cleaned_data["observed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return value

    def groups(self) -> list[FieldGroup]:
        """The visible fields in order; each factor checklist folds with its free text, open
        when an item is ticked, the text is written or either has an error (after a form that
        came back, or on a form filled in before)."""
        folded_texts = {FACTOR_FOLDS[name] for name in FACTOR_FOLDS if name in self.fields}
        groups = []
        for bound in self.visible_fields():
            if bound.name in folded_texts:
                continue
            text_name = FACTOR_FOLDS.get(bound.name)
            if text_name is None:
                groups.append(FieldGroup(fields=[bound]))
                continue
            text = self[text_name]
            ticked = len(bound.value() or [])
            written = bool(str(text.value() or "").strip())
            groups.append(
                FieldGroup(
                    fields=[bound, text],
                    label=bound.label,
                    folded=True,
                    open=bool(ticked or written or bound.errors or text.errors),
                    ticked=ticked,
                    id=f"{bound.auto_id}_fold" if bound.auto_id else "",
                )
            )
        return groups


class AnonymousDiscussionForm(Form):
    discussed_with = forms.CharField(
        label=_("Drøftet med"),
        max_length=200,
        help_text=_("For eksempel familiehjelpa eller barnevernet."),
    )
    discussed_on = forms.DateField(
        label=_("Dato"), initial=timezone.localdate, validators=[plausible("happened")]
    )
    summary = forms.CharField(
        label=_("Hva ble drøftet, og hvilke råd fikk du"),
        widget=forms.Textarea,
        help_text=_(
            "Ikke skriv navn, alder, adresse eller annet som kan kjenne igjen barnet "
            "eller familien."
        ),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"
