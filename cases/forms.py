from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin
from bts.idempotency import IdempotentForm
from bts.models import Service
from levels.rules import CLOSED, options

from .identity import validate_identity_number
from .models import ChildProtectionReport, Concern, Consent


class Form(DesignSystemMixin, IdempotentForm):
    pass


def _service_field(services) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=services,
        label=_("Tjeneste"),
        empty_label=None,
        help_text=_("Tjenesten der du jobber med barnet."),
    )


class AcuteQuestionForm(DesignSystemMixin, forms.Form):
    acute = forms.ChoiceField(
        label=_("Mistenker du vold, overgrep eller alvorlig omsorgssvikt?"),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Ved mistanke skal saken meldes direkte til barnevernet. Foresatte involveres ikke."
        ),
    )


class ChildSearchForm(DesignSystemMixin, forms.Form):
    q = forms.CharField(label=_("Navn"), required=False, max_length=100)
    birth_date = forms.DateField(label=_("Fødselsdato"), required=False)


class ChildForm(Form):
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Etternavn"), max_length=100)
    birth_date = forms.DateField(
        label=_("Fødselsdato"),
        required=False,
        help_text=_("La stå tom bare for et ufødt barn."),
    )
    unborn = forms.BooleanField(label=_("Barnet er ikke født ennå (graviditet)"), required=False)
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        required=False,
        max_length=20,
        help_text=_("Valgfritt. 11 sifre. Vises maskert i saken."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    confirm_new = forms.BooleanField(
        label=_("Dette er et annet barn enn de som er vist over"),
        required=False,
    )

    def __init__(self, *args, siblings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siblings"] = forms.ModelMultipleChoiceField(
            queryset=siblings,
            required=False,
            label=_("Søsken som allerede er registrert"),
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["siblings"].widget.attrs["class"] = "ds-input"

    def clean_national_id(self) -> str:
        value = self.cleaned_data["national_id"]
        return validate_identity_number(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        birth_date, unborn = data.get("birth_date"), data.get("unborn")
        if not birth_date and not unborn and "birth_date" not in self.errors:
            self.add_error("birth_date", _("Skriv fødselsdatoen, eller kryss av for ufødt barn."))
        if birth_date and birth_date > timezone.localdate():
            self.add_error("birth_date", _("Fødselsdatoen kan ikke være fram i tid."))
        return data


class GuardianForm(DesignSystemMixin, forms.Form):
    name = forms.CharField(label=_("Navn"), max_length=200, required=False)
    relation = forms.CharField(
        label=_("Relasjon til barnet"),
        max_length=60,
        required=False,
        help_text=_("For eksempel mor, far, fosterforelder."),
    )
    has_parental_responsibility = forms.BooleanField(
        label=_("Har foreldreansvar"), required=False, initial=True
    )
    phone = forms.CharField(label=_("Telefon"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)


GuardianFormSet = forms.formset_factory(GuardianForm, extra=2, max_num=4)


class ConcernForm(Form):
    observation = forms.CharField(
        label=_("Hva har du sett eller hørt?"),
        widget=forms.Textarea,
        help_text=_("Skriv fakta, ikke tolkninger: hva skjedde, hva sa barnet, hva gjorde du."),
    )
    observed_on = forms.DateField(label=_("Når"), initial=timezone.localdate)
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

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"

    def clean_observed_on(self):
        value = self.cleaned_data["observed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return value


class NoteForm(DesignSystemMixin, forms.Form):
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea, max_length=5000)


class StepCompleteForm(DesignSystemMixin, forms.Form):
    step_code = forms.CharField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Kort om hva som ble gjort (valgfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class ConsentForm(Form):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenester samtykket gjelder"),
        widget=forms.CheckboxSelectMultiple,
    )
    given_by = forms.CharField(
        label=_("Gitt av"),
        max_length=300,
        help_text=_("Foresatte med foreldreansvar, og barnet selv når alderen tilsier det."),
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=Consent.Form.choices, widget=forms.RadioSelect
    )
    purpose = forms.CharField(label=_("Formål"), widget=forms.Textarea)
    given_on = forms.DateField(label=_("Dato"), initial=timezone.localdate)
    expires_on = forms.DateField(label=_("Utløper"), required=False)

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services

    def clean(self):
        data = super().clean()
        given, expires = data.get("given_on"), data.get("expires_on")
        if given and expires and expires < given:
            self.add_error("expires_on", _("Utløpsdatoen kan ikke være før samtykket ble gitt."))
        return data


class InvolveForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Tjeneste"))

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class DecisionForm(Form):
    to_level = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea,
        help_text=_("Hvorfor dere beslutter dette. Begrunnelsen står i stafettloggen."),
    )
    child_view = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv mener, ut fra alder og modenhet."),
    )

    def __init__(self, *args, level: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [(o.value, o.label) for o in options(level)]

    def clean_to_level(self) -> int | None:
        value = self.cleaned_data["to_level"]
        return CLOSED if value == "avslutt" else int(value)


class ReportForm(Form):
    reported_at = forms.DateTimeField(label=_("Når ble meldingen sendt"), initial=timezone.now)
    channel = forms.ChoiceField(
        label=_("Hvordan"),
        choices=ChildProtectionReport.Channel.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Hva meldingen gjelder"),
        widget=forms.Textarea,
        help_text=_("Foresatte varsles ikke fra BTS."),
    )
    police_contacted = forms.BooleanField(label=_("Politiet er kontaktet"), required=False)


class AcuteChildForm(ChildForm):
    """The akutt path asks only what identifies the child; guardians are not involved."""

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["siblings"]
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"


class AnonymousDiscussionForm(Form):
    discussed_with = forms.CharField(
        label=_("Drøftet med"),
        max_length=200,
        help_text=_("For eksempel familiehjelpa eller barnevernet."),
    )
    discussed_on = forms.DateField(label=_("Dato"), initial=timezone.localdate)
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
