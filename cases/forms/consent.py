"""Recording, requesting and withdrawing consent, and a service joining the case by it."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin, refuse_invisible_only
from bts.models import Service
from bts.uploads import DocumentField

from ..models import Consent
from .base import Form


class ConsentForm(Form):
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenester samtykket gjelder"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Samtykket gis til tjenester, ikke til enkeltpersoner."),
        error_messages={"required": _("Velg minst én tjeneste.")},
    )
    information = forms.MultipleChoiceField(
        label=_("Opplysninger som kan deles"),
        choices=Consent.Information.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    information_other = forms.CharField(
        label=_("Andre opplysninger"), max_length=300, required=False
    )
    purpose = forms.CharField(
        label=_("Formål"),
        widget=forms.Textarea,
        help_text=_("Hva samarbeidet skal føre til for barnet."),
    )
    guardians = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Foresatte med foreldreansvar som samtykker"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    child_consented = forms.BooleanField(label=_("Barnet selv samtykker"), required=False)
    others = forms.CharField(
        label=_("Andre som samtykker"),
        max_length=200,
        required=False,
        help_text=_("For eksempel en foresatt som ikke er registrert ennå, med relasjon."),
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=Consent.Form.choices, widget=forms.RadioSelect
    )
    document = DocumentField(
        label=_("Signert samtykkeskjema"),
        required=False,
        help_text=_("PDF eller bilde (PNG, JPEG), høyst 10 MB. Trengs for skriftlig samtykke."),
    )
    oral_note = forms.CharField(
        label=_("Notat om det muntlige samtykket"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Hvem som ga det og hvem som tok imot, når, og hva som ble forklart."),
    )
    given_on = forms.DateField(
        label=_("Dato"), initial=timezone.localdate, validators=[plausible("given")]
    )
    expires_on = forms.DateField(
        label=_("Utløper"), required=False, validators=[plausible("expiry")]
    )
    refused = forms.BooleanField(
        label=_("Foresatte sier nei"),
        required=False,
        help_text=_(
            "Et avslag registreres også. Vurder melding til barnevernet hvis bekymringen består."
        ),
    )

    def __init__(self, *args, services=None, child=None, guide=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services
        responsible = child.guardians.filter(has_parental_responsibility=True)
        self.fields["guardians"].queryset = responsible
        self.fields["guardians"].initial = [g.pk for g in responsible]
        if not responsible:
            del self.fields["guardians"]
        age = child.age_on(timezone.localdate())
        if guide is not None and (age is None or age < guide.child_heard_age):
            del self.fields["child_consented"]  # too young to be asked, or not born
        elif guide is not None:
            self.fields["child_consented"].help_text = _(
                "%(child)s er %(age)s år. Fra %(general)s år samtykker barnet selv, "
                "fra %(health)s år når helseopplysninger deles."
            ) % {
                "child": child.first_name,
                "age": age,
                "general": guide.child_consent_age,
                "health": guide.child_consent_age_health,
            }

    def clean(self):
        data = super().clean()
        given, expires = data.get("given_on"), data.get("expires_on")
        if given and expires and expires < given:
            self.add_error("expires_on", _("Utløpsdatoen kan ikke være før samtykket ble gitt."))
        if given and given > timezone.localdate():
            self.add_error("given_on", _("Datoen kan ikke være fram i tid."))
        form, refused = data.get("form"), data.get("refused")
        written = form == Consent.Form.WRITTEN and not refused
        if written and not data.get("document") and "document" not in self.errors:
            self.add_error("document", _("Last opp det signerte skjemaet."))
        return data


class ConsentRequestForm(DesignSystemMixin, forms.Form):
    """What a consent form for signing asks for; nothing is recorded until it comes back signed."""

    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenester samtykket skal gjelde"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst én tjeneste.")},
    )
    information = forms.MultipleChoiceField(
        label=_("Opplysninger som kan deles"),
        choices=Consent.Information.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    information_other = forms.CharField(
        label=_("Andre opplysninger"),
        max_length=300,
        required=False,
        validators=[refuse_invisible_only],
    )
    purpose = forms.CharField(
        label=_("Formål"),
        widget=forms.Textarea,
        max_length=2000,
        validators=[refuse_invisible_only],
    )
    expires_on = forms.DateField(
        label=_("Gjelder til og med"), required=False, validators=[plausible("expiry")]
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = services

    def clean(self):
        data = super().clean()
        if not data.get("information") and not data.get("information_other", "").strip():
            self.add_error("information", _("Velg hvilke opplysninger som kan deles."))
        expires = data.get("expires_on")
        if expires and expires < timezone.localdate():
            self.add_error("expires_on", _("Datoen kan ikke være passert."))
        return data


class ConsentWithdrawForm(DesignSystemMixin, forms.Form):
    withdrawn_on = forms.DateField(
        label=_("Dato"), initial=timezone.localdate, validators=[plausible("given")]
    )
    how = forms.CharField(
        label=_("Hvordan"),
        max_length=300,
        help_text=_("For eksempel: skriftlig brev fra mor, eller muntlig i telefonen til ..."),
    )


class InvolveForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Tjeneste"))

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class ConsentFormForm(ConsentRequestForm):
    """The form to sign, in the language the family reads (the Norwegian text beside it)."""

    language = forms.ChoiceField(
        label=_("Språk"),
        choices=settings.FAMILY_LANGUAGES,
        required=False,  # none: the municipality's language form
        help_text=_(
            "Skjemaet lages på dette språket, med den norske teksten ved siden av. Den norske "
            "teksten er den som gjelder."
        ),
    )


class ConsentAskForm(ConsentRequestForm, Form):
    """The same request, asked on the family's page: each party answers there."""
