"""What a family fills in on its pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bts.forms import refuse_invisible_only
from cases.forms.base import Form


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
