"""What a family fills in on its pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin, has_visible_text, refuse_invisible_only
from cases.forms.base import Form
from cases.models import ConsentAnswer, MeetingAnswer, RelayEntry

# What the family writes, by the part of the case page it writes from: (the kind of relay-log
# entry, the field's label, its help text).
WRITES = {
    "notat": (
        RelayEntry.Kind.FAMILY_NOTE,
        _("Skriv i loggen"),
        _(
            "Det du skriver, blir en del av saken, med navnet ditt. De som arbeider med saken, "
            "ser det og får beskjed."
        ),
    ),
    "tema": (
        RelayEntry.Kind.FAMILY_TOPIC,
        _("Noe dere vil ta opp på neste møte?"),
        _("De som har saken, ser det i loggen og får beskjed."),
    ),
    "barnets-ord": (
        RelayEntry.Kind.CHILD_WORDS,
        _("Barnets egne ord"),
        _(
            "Før tiltakene evalueres: skriv med barnets egne ord hvordan det går. Barnet kan "
            "skrive selv."
        ),
    ),
}


class FamilyNoteForm(Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        validators=[refuse_invisible_only],
        error_messages={"required": _("Skriv noe før du lagrer.")},
    )

    def __init__(self, *args, what: str = "notat", **kwargs):
        # The log's own form has no prefix; the others one each, so their ids differ.
        super().__init__(*args, prefix=None if what == "notat" else what, **kwargs)
        self.what = what
        self.kind, label, help_text = WRITES[what]
        self.fields["text"].label, self.fields["text"].help_text = label, help_text


class MeetingAnswerForm(Form):
    """The answer comes from the button pressed: "Vi kommer" or "Be om et annet tidspunkt"."""

    answer = forms.ChoiceField(choices=MeetingAnswer.Answer.choices, widget=forms.HiddenInput)
    message = forms.CharField(
        label=_("Når passer det bedre?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bare når dere ber om et annet tidspunkt."),
    )

    def clean(self):
        data = super().clean()
        another_time = data.get("answer") == MeetingAnswer.Answer.ANOTHER_TIME
        if another_time and not has_visible_text(data.get("message", "")):
            self.add_error("message", _("Skriv når det passer bedre."))
        return data


class ConsentAnswerForm(Form):
    """The answer comes from the button pressed; `digest` says which text was read."""

    answer = forms.ChoiceField(choices=ConsentAnswer.Answer.choices, widget=forms.HiddenInput)
    digest = forms.CharField(max_length=64, widget=forms.HiddenInput)


class ConsentWithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Jeg vil trekke samtykket tilbake"),
        error_messages={"required": _("Kryss av for at du vil trekke samtykket tilbake.")},
    )


class ContactForm(DesignSystemMixin, forms.Form):
    """Where the family is told that something is new (never what): confirmed by them."""

    email = forms.EmailField(
        label=_("E-post for varsler"),
        max_length=254,
        help_text=_(
            "Vi sender bare en melding om at det er noe nytt på siden din, aldri hva det er. "
            "La feltet stå tomt for å slutte å få varsler."
        ),
        required=False,
        error_messages={
            "invalid": _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")
        },
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.FAMILY_LANGUAGES)
    next = forms.CharField(required=False, max_length=300)
