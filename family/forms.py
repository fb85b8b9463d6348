"""What a family fills in on its pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bts.forms import has_visible_text, refuse_invisible_only
from cases.forms.base import Form
from cases.models import MeetingAnswer


class FamilyNoteForm(Form):
    text = forms.CharField(
        label=_("Skriv i loggen"),
        help_text=_(
            "Det du skriver, blir en del av saken, med navnet ditt. De som arbeider med saken, "
            "ser det og får beskjed."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        validators=[refuse_invisible_only],
        error_messages={"required": _("Skriv noe før du lagrer.")},
    )


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
