from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.forms import DesignSystemMixin
from bts.idempotency import IdempotentForm
from bts.models import Service, User
from bts.uploads import DocumentField
from cases.models import Consent
from levels.words import word_lazy

from .models import AdviceCall, DukenVersion, Inquiry, Mapping

FUTURE_SLACK = timedelta(minutes=5)


class Form(DesignSystemMixin, IdempotentForm):
    pass


def _not_in_future(value):
    if value and value > timezone.now() + FUTURE_SLACK:
        raise ValidationError(_("Tidspunktet kan ikke være fram i tid."))
    return value


CONSENT_CHOICES = [
    ("", _("Ikke registrert")),
    (Consent.Form.ORAL, _("Muntlig")),
    (Consent.Form.WRITTEN, _("Skriftlig")),
]


class ChildConsentForm(Form):
    """Which child the inquiry is about (the service's own case by number, or the child's name),
    and the family's consent: shared by registration and adding a child later."""

    case_number = forms.IntegerField(
        label=format_lazy(_("Saksnummer i {product}"), product=word_lazy("product")),
        required=False,
        min_value=1,
        help_text=format_lazy(
            _(
                "Når tjenesten har en sak om barnet i {product}: saksnummeret og barnets "
                "fødselsdato. Da knyttes henvendelsen til den saken, og barnet registreres ikke "
                "på nytt."
            ),
            product=word_lazy("product"),
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    case_birth_date = forms.DateField(
        label=_("Barnets fødselsdato"), required=False, validators=[plausible("birth")]
    )
    child_first_name = forms.CharField(label=_("Fornavn"), max_length=100, required=False)
    child_last_name = forms.CharField(label=_("Etternavn"), max_length=100, required=False)
    child_birth_date = forms.DateField(
        label=_("Fødselsdato"), required=False, validators=[plausible("birth")]
    )
    consent = forms.ChoiceField(
        label=_("Familiens samtykke"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Trengs når en tjeneste henvender seg på vegne av familien. Samtykket gis av alle "
            "foresatte med foreldreansvar, og av barnet selv fra kommunens aldersgrense."
        ),
    )
    consent_oral_note = forms.CharField(
        label=_("Notat om det muntlige samtykket"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Hvem som ga det og til hvem, når, og hva som ble forklart."),
    )
    consent_document = DocumentField(
        label=_("Signert samtykkeskjema"),
        required=False,
        help_text=_("PDF eller bilde (PNG, JPEG), høyst 10 MB. Trengs for skriftlig samtykke."),
    )
    consent_information = forms.MultipleChoiceField(
        label=_("Opplysninger som kan deles"),
        choices=Consent.Information.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent_child = forms.BooleanField(label=_("Barnet selv samtykker"), required=False)
    confirm_new = forms.BooleanField(
        label=_("Dette er et annet barn enn de som er vist over"), required=False
    )

    def __init__(self, *args, duplicates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.duplicates = list(duplicates or [])
        if self.duplicates:
            self.fields["existing_child"] = forms.TypedChoiceField(
                label=_("Mener du et av disse barna?"),
                choices=[("", _("Nei"))]
                + [
                    (c.pk, f"{c}, {c.birth_date:%d.%m.%Y}" if c.birth_date else str(c))
                    for c in self.duplicates
                ],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "ds-input"}),
            )

    @property
    def names_child(self) -> bool:
        data = self.cleaned_data
        return any(data.get(k) for k in ("child_first_name", "child_last_name", "child_birth_date"))

    def clean(self):
        data = super().clean()
        names_child = self.names_child
        if data.get("case_number"):
            if names_child:
                self.add_error(
                    "case_number", _("Oppgi enten saksnummeret eller barnets navn, ikke begge.")
                )
            if not data.get("case_birth_date") and "case_birth_date" not in self.errors:
                self.add_error("case_birth_date", _("Skriv barnets fødselsdato."))
        elif names_child:
            for name, message in (
                ("child_first_name", _("Skriv barnets fornavn.")),
                ("child_last_name", _("Skriv barnets etternavn.")),
                ("child_birth_date", _("Skriv barnets fødselsdato.")),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
            born = data.get("child_birth_date")
            if born and born > timezone.localdate():
                self.add_error("child_birth_date", _("Fødselsdatoen kan ikke være fram i tid."))
        form = data.get("consent")
        if form:
            if not (data.get("case_number") or names_child):
                self.add_error("consent", _("Samtykket gjelder et barn: fyll ut hvem barnet er."))
            if not data.get("consent_information"):
                self.add_error("consent_information", _("Velg hvilke opplysninger som kan deles."))
            if form == Consent.Form.ORAL and not data.get("consent_oral_note", "").strip():
                self.add_error(
                    "consent_oral_note",
                    _("Skriv hvem som ga samtykket og til hvem, når, og hva som ble forklart."),
                )
            if (
                form == Consent.Form.WRITTEN
                and not data.get("consent_document")
                and "consent_document" not in self.errors
            ):
                self.add_error("consent_document", _("Last opp det signerte skjemaet."))
        return data


class InquiryForm(ChildConsentForm):
    received_at = forms.DateTimeField(
        label=_("Mottatt"), initial=timezone.now, validators=[_not_in_future, plausible("happened")]
    )
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=[c for c in Inquiry.Channel.choices if c[0] != Inquiry.Channel.BTS],
        widget=forms.RadioSelect,
        initial=Inquiry.Channel.PHONE,
    )
    source = forms.ChoiceField(
        label=_("Hvem henvender seg"),
        choices=Inquiry.Source.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "En ansatt som bare vil drøfte en sak anonymt, registreres som drøftingstelefon."
        ),
    )
    referring_service = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenesten som henvender seg"),
        required=False,
        help_text=_("Når en tjeneste henvender seg på vegne av familien."),
    )
    caller_name = forms.CharField(label=_("Navn"), max_length=200)
    caller_role = forms.CharField(
        label=_("Rolle eller relasjon"),
        max_length=100,
        required=False,
        help_text=_("For eksempel mor, kontaktlærer, helsesykepleier."),
    )
    caller_phone = forms.CharField(label=_("Telefon"), max_length=32, required=False)
    caller_email = forms.EmailField(label=_("E-post"), required=False)
    about = forms.CharField(
        label=_("Hva gjelder henvendelsen"),
        widget=forms.Textarea,
        help_text=_("Det familien eller tjenesten forteller, med deres egne ord."),
    )
    urgency = forms.ChoiceField(
        label=_("Hastegrad"),
        choices=Inquiry.Urgency.choices,
        widget=forms.RadioSelect,
        initial=Inquiry.Urgency.NORMAL,
        help_text=_(
            "Ved mistanke om vold, overgrep eller alvorlig omsorgssvikt: meld direkte til "
            "barnevernet."
        ),
    )

    def __init__(self, *args, referring=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referring_service"].queryset = referring

    def clean(self):
        data = super().clean()
        if data.get("source") == Inquiry.Source.SERVICE and not data.get("referring_service"):
            self.add_error("referring_service", _("Velg tjenesten som henvender seg."))
        return data


class MoveForm(DesignSystemMixin, forms.Form):
    to_state = forms.ChoiceField(choices=Inquiry.State.choices)
    seen_state = forms.ChoiceField(choices=Inquiry.State.choices)
    reason = forms.CharField(required=False, max_length=2000)


class MappingForm(DesignSystemMixin, forms.Form):
    """The kartleggingsskjema, with the version it was loaded at (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    family_situation = forms.CharField(
        label=_("Familiens situasjon"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hvem familien er, hvem som bor sammen, og hva som skjer nå."),
    )
    help_wanted = forms.CharField(
        label=_("Hva familien ønsker hjelp til"), widget=forms.Textarea, required=False
    )
    services_involved = forms.CharField(
        label=_("Tjenester som er inne i dag"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    child_voice = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv mener og ønsker, ut fra alder og modenhet."),
    )
    family_informed = forms.BooleanField(
        label=_("Familien vet om henvendelsen"),
        required=False,
        help_text=_("Når en ansatt ringer, skal familien ha fått vite det på forhånd."),
    )
    first_contact_at = forms.DateTimeField(
        label=_("Første kontakt med familien"),
        required=False,
        validators=[_not_in_future, plausible("happened")],
        help_text=_("Når familiehjelpa snakket med familien første gang."),
    )
    assessment = forms.CharField(
        label=_("Teamleders vurdering"), widget=forms.Textarea, required=False
    )
    decision = forms.ChoiceField(
        label=_("Beslutning"),
        choices=Mapping.Decision.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    more_information = forms.CharField(
        label=_("Hva vi må vite mer om"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def sections(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in Mapping.SECTIONS}


class ConversationForm(Form):
    starts_at = forms.DateTimeField(
        label=_("Dato og klokkeslett"),
        validators=[plausible("meeting")],
        error_messages={
            "required": _("Skriv dato og klokkeslett for samtalen."),
            "invalid": _("Skriv dato og klokkeslett, for eksempel 12.12.2026 09:00."),
        },
    )
    place = forms.CharField(label=_("Sted"), max_length=200)
    family_attendees = forms.CharField(
        label=_("Fra familien"),
        max_length=300,
        help_text=_("For eksempel: mor og Emma (12 år)."),
    )
    trusted_person = forms.CharField(
        label=_("Tillitsperson"),
        max_length=200,
        required=False,
        help_text=_(
            "Familien kan ta med en person de har tillit til. Det er ikke en ansatt. "
            "Fortell familien det når samtalen avtales."
        ),
    )
    invited_services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        label=_("Tjenester som inviteres"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("De tjenestene familien ønsker med. Krever familiens samtykke."),
    )
    note = forms.CharField(
        label=_("Merknad"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_services"].queryset = services


class DukenForm(DesignSystemMixin, forms.Form):
    """Every field of DUKEN (seed 002), in the family's words."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in DukenVersion.FIELDS:
            field = DukenVersion._meta.get_field(name)
            if name in ("held_on", "short_term_by", "long_term_by"):
                form_field = forms.DateField(
                    label=field.verbose_name,
                    required=name == "held_on",
                    # The conversation is a meeting; what the family reaches for, a measure's time.
                    validators=[plausible("meeting" if name == "held_on" else "measure")],
                )
            elif name == "plan_for":
                form_field = forms.CharField(
                    label=field.verbose_name,
                    max_length=200,
                    help_text=_("Hvem planen er til, for eksempel familien Hansen eller Emma."),
                )
            else:
                rows = 2 if name in DukenVersion.LIFE_AREAS or name == "present" else 3
                form_field = forms.CharField(
                    label=field.verbose_name,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": rows}),
                )
            self.fields[name] = form_field
        # The mixin styled the fields declared on the class; these too, with the text rule.
        self.design()
        self.fields["short_term_by"].label = _("På kort sikt innen")
        self.fields["long_term_by"].label = _("På lang sikt innen")

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in DukenVersion.FIELDS}

    def clean(self):
        data = super().clean()
        short, long = data.get("short_term_by"), data.get("long_term_by")
        if short and long and long < short:
            self.add_error("long_term_by", _("Lang sikt kan ikke være før kort sikt."))
        return data


class CaseloadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        load = obj.caseload or 0
        if load == 1:
            return _("%(name)s – følger 1 familie nå") % {"name": obj}
        return _("%(name)s – følger %(n)s familier nå") % {"name": obj, "n": load}


class ContactForm(DesignSystemMixin, forms.Form):
    seen_state = forms.ChoiceField(choices=Inquiry.State.choices, widget=forms.HiddenInput)
    contact = CaseloadChoiceField(
        queryset=User.objects.none(),
        label=_("Familiekontakt"),
        widget=forms.RadioSelect,
        empty_label=None,
        help_text=_("Antallet er åpne henvendelser hver familiekontakt følger nå."),
    )

    def __init__(self, *args, pool=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = pool


class ChildTeamForm(Form):
    case = forms.ModelChoiceField(queryset=None, label=_("Saken"), empty_label=None)
    question = forms.CharField(
        label=_("Hva skal barneteamet ta stilling til"),
        widget=forms.Textarea,
        help_text=_("Barneteamet beslutter hvilken tjeneste som har oppfølgingsansvaret."),
    )
    starts_at = forms.DateTimeField(label=_("Barneteamets møte"), validators=[plausible("meeting")])
    place = forms.CharField(label=_("Sted"), max_length=200)

    def __init__(self, *args, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda c: (
            _("Saken om %(child)s (sak %(n)s)")
            % {
                "child": c.child,
                "n": c.pk,
            }
        )


class ChildTeamDecisionForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(
        queryset=None,
        label=_("Tjenesten som har oppfølgingsansvaret"),
        help_text=_("Tjenesten må være dekket av familiens samtykke i saken."),
    )
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)
    child_view = forms.CharField(
        label=_("Barnets syn"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet mener, ut fra alder og modenhet."),
    )
    offer_to = forms.ModelChoiceField(
        queryset=None,
        label=_("Hvem skal tilbys oppfølgingsansvaret"),
        required=False,
        help_text=_(
            "En ansatt i tjenesten. Ansvaret går over når vedkommende har akseptert. "
            "La stå tom hvis den som har saken nå, jobber i tjenesten."
        ),
    )

    def __init__(self, *args, services=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["offer_to"].queryset = people


class ReferForm(Form):
    about = forms.CharField(
        label=_("Hva ønsker familien og dere hjelp til"),
        widget=forms.Textarea,
        help_text=_("Teamleder i familiehjelpa leser dette når henvendelsen kommer inn."),
    )
    urgency = forms.ChoiceField(
        label=_("Hastegrad"),
        choices=Inquiry.Urgency.choices,
        widget=forms.RadioSelect,
        initial=Inquiry.Urgency.NORMAL,
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None and len(services) > 1:
            self.fields["service"] = forms.ModelChoiceField(
                queryset=services, label=_("Familiehjelpa"), empty_label=None
            )
            self.fields["service"].widget.attrs["class"] = "ds-input"


class AdviceForm(Form):
    received_at = forms.DateTimeField(
        label=_("Mottatt"), initial=timezone.now, validators=[_not_in_future, plausible("happened")]
    )
    channel = forms.ChoiceField(
        label=_("Kanal"),
        choices=AdviceCall._meta.get_field("channel").choices,
        widget=forms.RadioSelect,
        initial=Inquiry.Channel.PHONE,
    )
    caller_kind = forms.ChoiceField(
        label=_("Den som ringte jobber i"),
        choices=[("", _("Vil ikke si / ukjent")), *Service.Kind.choices],
        required=False,
        help_text=_("Bare typen tjeneste, aldri hvilken."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Tema"),
        choices=AdviceCall.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Velg minst ett tema.")},
    )
    advice = forms.CharField(
        label=_("Hva ble drøftet, og hvilke råd ble gitt"),
        widget=forms.Textarea,
        required=False,
        help_text=_(
            "Ikke skriv navn, alder, adresse, skole eller annet som kan kjenne igjen barnet, "
            "familien eller den som ringte."
        ),
    )
