"""Finding and registering the child, with its guardians."""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin

from ..identity import validate_for_registration
from .base import Form, _service_field


class ChildSearchForm(DesignSystemMixin, forms.Form):
    q = forms.CharField(label=_("Navn"), required=False, max_length=100)
    birth_date = forms.DateField(
        label=_("Fødselsdato"), required=False, validators=[plausible("birth")]
    )


class ChildForm(Form):
    first_name = forms.CharField(label=_("Fornavn"), max_length=100)
    last_name = forms.CharField(label=_("Etternavn"), max_length=100)
    birth_date = forms.DateField(
        label=_("Fødselsdato"),
        required=False,
        help_text=_("La stå tom bare for et ufødt barn."),
        validators=[plausible("birth")],
    )
    unborn = forms.BooleanField(label=_("Barnet er ikke født ennå (graviditet)"), required=False)
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        required=False,
        max_length=20,
        help_text=_("Valgfritt. 11 sifre. Vises maskert i saken."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address_protected = forms.BooleanField(
        label=_("Barnet har strengt fortrolig adresse"),
        required=False,
        help_text=_(
            "Som i folkeregisteret. På familiens side ser bare en foresatt med samme "
            "beskyttelse saken."
        ),
    )
    confirm_new = forms.BooleanField(
        label=_("Dette er et annet barn enn de som er vist over"),
        required=False,
    )
    sibling_query = forms.CharField(
        label=_("Søk etter søsken"),
        required=False,
        max_length=100,
        help_text=_("Navn eller fødselsdato (dd.mm.åååå). Du finner bare barn du har tilgang til."),
        widget=forms.SearchInput(
            attrs={"autocomplete": "off", "data-enter-clicks": "find-siblings"}
        ),
    )

    def __init__(self, *args, siblings=None, municipalities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._municipality_field(municipalities)
        field = forms.ModelMultipleChoiceField(
            queryset=siblings,
            required=False,
            label=_("Kryss av for barnets søsken"),
            widget=forms.CheckboxSelectMultiple,
        )
        # `siblings` (the children the user may see) checks what is posted; the page offers
        # only the children offer_siblings() is given, never the whole queryset.
        field.widget.choices = []
        field.widget.attrs["class"] = "ds-input"
        self.fields["siblings"] = field

    def _municipality_field(self, municipalities) -> None:
        """The child's home municipality, asked only when the user's services serve more than
        one: the case will belong to it."""
        self.municipalities = list(municipalities) if municipalities is not None else []
        if len(self.municipalities) > 1:
            self.fields = {
                "municipality": forms.ModelChoiceField(
                    queryset=municipalities,
                    label=_("Hjemkommune"),
                    help_text=_("Kommunen der barnet er folkeregistrert. Saken hører til den."),
                    widget=forms.Select(attrs={"class": "ds-input"}),
                ),
                **self.fields,
            }

    def chosen_municipality(self):
        """The municipality picked, or the only one the user's services serve."""
        chosen = self.cleaned_data.get("municipality")
        return chosen or (self.municipalities[0] if self.municipalities else None)

    def offer_siblings(self, children) -> None:
        self.fields["siblings"].widget.choices = [(c.pk, _sibling_label(c)) for c in children]

    @property
    def offers_siblings(self) -> bool:
        return bool(self.fields["siblings"].widget.choices)

    def clean_national_id(self) -> str:
        return validate_for_registration(self.cleaned_data["national_id"])

    def clean(self):
        data = super().clean()
        birth_date, unborn = data.get("birth_date"), data.get("unborn")
        if not birth_date and not unborn and "birth_date" not in self.errors:
            self.add_error("birth_date", _("Skriv fødselsdatoen, eller kryss av for ufødt barn."))
        if birth_date and birth_date > timezone.localdate():
            self.add_error("birth_date", _("Fødselsdatoen kan ikke være fram i tid."))
        return data


def _sibling_label(child) -> str:
    born = child.birth_date
    when = (
        gettext("født %(date)s") % {"date": date_format(born, "d.m.Y")}
        if born
        else gettext("ufødt")
    )
    return f"{child}, {when}"


# A word of the sibling search that is a date is the birth date searched for.
SEARCH_DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y")


def _as_date(word: str) -> date | None:
    for fmt in SEARCH_DATE_FORMATS:
        try:
            return datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


def sibling_lookup(form: ChildForm, guardians) -> dict:
    """What the form's sibling offer is looked up by (cases.reads.siblings_offered): the
    guardians given, the search (its words that are dates give the birth date, the rest the
    name) and the children already ticked. Takes what is valid even when the forms are not."""
    form.is_valid()
    guardians.is_valid()
    given = [getattr(g, "cleaned_data", {}) for g in guardians.forms]
    words, birth_date = [], None
    for word in form.cleaned_data.get("sibling_query", "").split():
        if (day := _as_date(word)) is not None:
            birth_date = day
        else:
            words.append(word)
    return {
        "names": [g["name"] for g in given if g.get("name")],
        "phones": [g["phone"] for g in given if g.get("phone")],
        "emails": [g["email"] for g in given if g.get("email")],
        "query": " ".join(words),
        "birth_date": birth_date,
        "ticked": list(form.cleaned_data.get("siblings") or []),
    }


# The guardian fields that tell which children share a guardian: a change offers siblings again.
SIBLING_KEY = {"data-sibling-key": True}


class GuardianForm(DesignSystemMixin, forms.Form):
    name = forms.CharField(
        label=_("Navn"), max_length=200, required=False, widget=forms.TextInput(attrs=SIBLING_KEY)
    )
    national_id = forms.CharField(
        label=_("Fødselsnummer eller D-nummer"),
        max_length=20,
        required=False,
        help_text=_("Valgfritt. Med det kan den foresatte logge inn med ID-porten og se saken."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    relation = forms.CharField(
        label=_("Relasjon til barnet"),
        max_length=60,
        required=False,
        help_text=_("For eksempel mor, far, fosterforelder."),
    )
    has_parental_responsibility = forms.BooleanField(
        label=_("Har foreldreansvar"), required=False, initial=True
    )
    phone = forms.CharField(
        label=_("Telefon"), max_length=32, required=False, widget=forms.TextInput(attrs=SIBLING_KEY)
    )
    email = forms.EmailField(
        label=_("E-post"), required=False, widget=forms.EmailInput(attrs=SIBLING_KEY)
    )
    address = forms.CharField(label=_("Adresse"), max_length=200, required=False)
    address_protected = forms.BooleanField(
        label=_("Strengt fortrolig adresse"),
        required=False,
        help_text=_("Adressen vises bare for den som har saken, aldri for den andre forelderen."),
    )

    def clean_national_id(self) -> str:
        return validate_for_registration(self.cleaned_data["national_id"])


GuardianFormSet = forms.formset_factory(GuardianForm, extra=2, max_num=4)


class AcuteChildForm(ChildForm):
    """The akutt path asks only what identifies the child; guardians are not involved."""

    def __init__(self, *args, services=None, municipalities=None, **kwargs):
        super().__init__(*args, municipalities=municipalities, **kwargs)
        del self.fields["siblings"]
        del self.fields["sibling_query"]
        # The report form's key makes the whole akutt submission once-only.
        del self.fields["idempotency_key"]
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"
