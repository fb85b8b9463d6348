"""Meetings and their minutes (referat)."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin
from bts.models import Service, User
from levels.words import word_lazy

from ..models import Minutes
from .base import Form


class MeetingForm(Form):
    kind = forms.ChoiceField(
        label=_("Type møte"),
        error_messages={"required": _("Velg hva slags møte det er.")},
        help_text=_("Møtetypene kommer fra veilederen. Den trinnet ber om, er valgt."),
    )
    starts_at = forms.DateTimeField(
        label=_("Dato og klokkeslett"),
        validators=[plausible("meeting")],
        error_messages={
            "required": _("Skriv dato og klokkeslett for møtet."),
            "invalid": _("Skriv dato og klokkeslett, for eksempel 12.12.2026 09:00."),
        },
        help_text=_(
            "Et møte som allerede er holdt, kan også registreres, så referatet kan skrives."
        ),
    )
    place = forms.CharField(
        label=_("Sted"),
        max_length=200,
        error_messages={"required": _("Skriv hvor møtet skal være.")},
    )
    agenda = forms.CharField(
        label=_("Hva skal dere snakke om"),
        widget=forms.Textarea,
        error_messages={"required": _("Skriv hva dere skal snakke om.")},
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        label=_("Ansatte som deltar"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participant_services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenester som deltar"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én tjeneste.")},
        help_text=_("Tjenesten som eier saken og tjenester som er med etter samtykke."),
    )
    other_participants = forms.CharField(
        label=_("Andre som inviteres"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_(
            "Foresatte, barnet, en tillitsperson. Det er en invitasjon, ikke en innkalling."
        ),
    )

    def __init__(self, *args, services=None, people=None, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in kinds]
        self.fields["participants"].queryset = people
        self.fields["participant_services"].queryset = services


class MinutesForm(DesignSystemMixin, forms.Form):
    """The referat, with the version it was loaded at (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    present = forms.CharField(
        label=_("Til stede"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    child_voice = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv mener og ønsker, ut fra alder og modenhet."),
    )
    concern = forms.CharField(
        label=format_lazy(_("{Concern}/problemet"), Concern=word_lazy("Concern_definite")),
        widget=forms.Textarea,
        required=False,
    )
    shared_understanding = forms.CharField(
        label=_("Felles forståelse"), widget=forms.Textarea, required=False
    )
    measures_agreed = forms.CharField(
        label=_("Tiltak som ble avtalt"), widget=forms.Textarea, required=False
    )
    responsibilities = forms.CharField(
        label=_("Ansvarsfordeling"), widget=forms.Textarea, required=False
    )
    time_frame = forms.CharField(
        label=_("Tidsramme"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    effect_judgement = forms.CharField(
        label=_("Hvordan effekten skal vurderes"), widget=forms.Textarea, required=False
    )
    next_meeting = forms.CharField(
        label=_("Neste møte"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in Minutes.SECTIONS}
