"""Finding and registering the child, with its guardians."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin

from ..identity import validate_identity_number
from .base import Form, _service_field


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


class AcuteChildForm(ChildForm):
    """The akutt path asks only what identifies the child; guardians are not involved."""

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["siblings"]
        # The report form's key makes the whole akutt submission once-only.
        del self.fields["idempotency_key"]
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"
