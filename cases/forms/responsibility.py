"""Who holds the case: handover, coordination, nivå 3's offers, reassigning all."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin

from ..models import WideCollaboration
from .base import Form


class HandoverForm(Form):
    to_user = forms.ModelChoiceField(
        queryset=None,
        label=_("Hvem skal overta"),
        help_text=_("Ansvaret går over først når vedkommende har akseptert."),
    )
    message = forms.CharField(label=_("Melding"), widget=forms.Textarea, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates


class HandoverAnswerForm(DesignSystemMixin, forms.Form):
    accept = forms.ChoiceField(
        label=_("Svar"),
        choices=[("ja", _("Jeg overtar saken")), ("nei", _("Jeg avslår"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Må fylles ut hvis du avslår."),
    )

    def clean(self):
        data = super().clean()
        if data.get("accept") == "nei" and not data.get("answer", "").strip():
            self.add_error("answer", _("Skriv hvorfor du avslår."))
        return data


class CoordinationForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=None, label=_("Koordinerende tjeneste"))
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)
    child_view = forms.CharField(
        label=_("Barnets syn"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet mener om hvem som skal koordinere, ut fra alder og modenhet."),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class WideCollaborationForm(DesignSystemMixin, forms.Form):
    familiehjelpa = forms.ChoiceField(
        label=_("Familiehjelpa"),
        choices=WideCollaboration.Answer.choices,
        widget=forms.RadioSelect,
        help_text=_("På dette nivået skal familien få tilbud om familiehjelpa."),
    )
    coordinator = forms.ModelChoiceField(queryset=None, required=False, label=_("Koordinator"))
    child_coordinator = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Barnekoordinator"),
        help_text=_(
            "Lovpålagt for familier med barn med alvorlig sykdom, skade eller nedsatt "
            "funksjonsevne som trenger langvarige, sammensatte tjenester "
            "(helse- og omsorgstjenesteloven § 7-2 a)."
        ),
    )
    individual_plan = forms.ChoiceField(
        label=_("Individuell plan"),
        choices=WideCollaboration.Answer.choices,
        widget=forms.RadioSelect,
        help_text=_("Krever eget samtykke. Bare én individuell plan per barn."),
    )
    note = forms.CharField(label=_("Merknad"), widget=forms.Textarea, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = people
        self.fields["child_coordinator"].queryset = people


class ReassignAllForm(DesignSystemMixin, forms.Form):
    from_user = forms.ModelChoiceField(
        queryset=None,
        label=_("Ansatt som slutter eller er borte"),
        help_text=_("Alle åpne saker vedkommende har i tjenestene du leder, overføres."),
    )
    to_user = forms.ModelChoiceField(queryset=None, label=_("Hvem overtar sakene"))
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)

    def __init__(self, *args, holders=None, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = holders
        self.fields["to_user"].queryset = staff
