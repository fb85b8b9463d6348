"""What a family fills in on its pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bts.forms import has_visible_text, refuse_invisible_only
from cases.forms.base import Form
from cases.models import MeetingAnswer, RelayEntry

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
