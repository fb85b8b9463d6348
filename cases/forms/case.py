"""The case list's filters and the small forms of the case page (notes, steps, access log)."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin
from bts.models import Service

from .base import Form

# How long a note may be kept from the family: a draft, not a secret.
NOTE_HELD_MAX_DAYS = 60


class NoteForm(Form):
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea, max_length=5000)
    shared_from = forms.DateField(
        label=_("Ikke del med familien før"),
        required=False,
        help_text=_(
            "Valgfritt: familien ser notatet fra denne datoen (høyst 60 dager fram). Tomt: "
            "familien ser det med én gang."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    protected_address = forms.BooleanField(
        label=_("Gjelder strengt fortrolig adresse"),
        required=False,
        help_text=_("Notatet vises ikke på familiens side for en forelder uten samme beskyttelse."),
    )

    def clean_shared_from(self):
        day = self.cleaned_data.get("shared_from")
        today = timezone.localdate()
        if day is not None and not today < day <= today + timedelta(days=NOTE_HELD_MAX_DAYS):
            raise forms.ValidationError(
                _("Velg en dato etter i dag og høyst 60 dager fram, eller la feltet stå tomt.")
            )
        return day


class StepCompleteForm(DesignSystemMixin, forms.Form):
    step_code = forms.CharField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Kort om hva som ble gjort (valgfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    skip_reason = forms.CharField(
        label=_("Hvorfor trinnet er gjort uten det som gjenstår"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Bare når noe av det trinnet krever, ikke er gjort. Står i stafettloggen."),
    )


class AccessPeriodForm(DesignSystemMixin, forms.Form):
    """The period of an access report (innsyn i logg); empty means the whole case."""

    fra = forms.DateField(label=_("Fra og med"), required=False, validators=[plausible("period")])
    til = forms.DateField(label=_("Til og med"), required=False, validators=[plausible("period")])

    def clean(self):
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        if start and end and end < start:
            self.add_error("til", _("Sluttdatoen kan ikke være før startdatoen."))
        return data


class CaseListFilterForm(DesignSystemMixin, forms.Form):
    """The case list's filters: no names in it, since a filter ends up in the URL."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("open", _("Åpne")), ("closed", _("Avsluttede")), ("", _("Alle"))],
        required=False,
        initial="open",
    )
    level = forms.TypedChoiceField(
        label=_("Nivå"),
        choices=[("", _("Alle nivåer"))],  # and the guide's levels (__init__)
        coerce=int,
        empty_value=None,
        required=False,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("Tjeneste"), required=False
    )

    def __init__(self, *args, services=None, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices += [(lv.number, str(lv)) for lv in levels]
        self.fields["service"].queryset = services
        self.fields["service"].empty_label = _("Alle tjenester")
        if not services:
            del self.fields["service"]
