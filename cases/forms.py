from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.forms import DesignSystemMixin
from bts.idempotency import IdempotentForm
from bts.models import Service, User
from bts.selectors import active_memberships
from bts.uploads import DocumentField
from levels.rules import CLOSED, options

from .concern_tools import ConcernTools
from .identity import validate_identity_number
from .models import (
    ChildProtectionReport,
    Concern,
    Consent,
    Evaluation,
    Meeting,
    Minutes,
    WideCollaboration,
)


class Form(DesignSystemMixin, IdempotentForm):
    pass


def _service_field(services) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=services,
        label=_("Tjeneste"),
        empty_label=None,
        help_text=_("Tjenesten der du jobber med barnet."),
    )


class AcuteQuestionForm(DesignSystemMixin, forms.Form):
    acute = forms.ChoiceField(
        label=_("Mistenker du vold, overgrep eller alvorlig omsorgssvikt?"),
        choices=[("ja", _("Ja")), ("nei", _("Nei"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Ved mistanke skal saken meldes direkte til barnevernet. Foresatte involveres ikke."
        ),
    )


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


class DescribedRadioSelect(forms.RadioSelect):
    """Radio buttons with a description under each choice, tied to it by aria-describedby."""

    option_template_name = "cases/widgets/described_option.html"

    def __init__(self, *args, descriptions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.descriptions = descriptions

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["description"] = self.descriptions.get(value, "")
        if option["description"] and option["attrs"].get("id"):
            option["description_id"] = f"{option['attrs']['id']}_description"
            option["attrs"]["aria-describedby"] = option["description_id"]
        return option


def _factor_field(lists, label) -> forms.MultipleChoiceField:
    """One checkbox per factor, under its list's heading; an item in two lists is offered once."""
    seen: set[str] = set()
    choices = []
    for factor_list in lists:
        items = [item for item in factor_list.items if item not in seen]
        seen.update(items)
        if items:
            choices.append((factor_list.title, [(item, item) for item in items]))
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "ds-input"}),
        help_text=_("Kryss av for det du faktisk vet, ikke det du antar."),
    )


class ConcernForm(Form):
    observation = forms.CharField(
        label=_("Hva har du sett eller hørt?"),
        widget=forms.Textarea,
        help_text=_("Skriv fakta, ikke tolkninger: hva skjedde, hva sa barnet, hva gjorde du."),
    )
    observed_on = forms.DateField(label=_("Når"), initial=timezone.localdate)
    setting = forms.CharField(
        label=_("I hvilken situasjon"),
        max_length=300,
        help_text=_("For eksempel i garderoben ved henting, i friminuttet."),
    )
    worry = forms.TypedChoiceField(
        label=_("Hvor bekymret er du?"),
        choices=Concern.Worry.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    risk_factors = forms.CharField(
        label=_("Risikofaktorer du ser"), widget=forms.Textarea, required=False
    )
    protective_factors = forms.CharField(
        label=_("Beskyttelsesfaktorer du ser"), widget=forms.Textarea, required=False
    )

    def __init__(self, *args, services=None, tools: ConcernTools | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        tools = tools or ConcernTools()
        self.form_links = tools.form_links
        steps = tools.worry_steps
        # The scale's steps, when they are the undring's worry values (a test keeps Øvre Eiker's
        # the same); a scale of other steps is linked, not offered.
        if steps and sorted(s.value for s in steps) == sorted(Concern.Worry.values):
            worry = self.fields["worry"]
            worry.choices = [(s.value, s.label) for s in steps]
            worry.widget = DescribedRadioSelect(
                choices=worry.choices,
                descriptions={s.value: s.description for s in steps},
                attrs={"class": "ds-input"},
            )
        self.fields["worry"].tool_links = tools.worry_links
        fields = dict(self.fields)
        order = ["observation", "observed_on", "setting", "worry"]
        for name, lists, label, other in (
            ("risk_factor_items", tools.risk, _("Risikofaktorer du ser"), "risk_factors"),
            (
                "protective_factor_items",
                tools.protective,
                _("Beskyttelsesfaktorer du ser"),
                "protective_factors",
            ),
        ):
            if lists:
                fields[name] = _factor_field(lists, label)
                fields[name].tool_links = tools.factor_links
                fields[other].label = _("Annet, og hva du bygger det på")
            order += [name, other] if lists else [other]
        self.fields = {
            **{name: fields[name] for name in order},
            **{name: f for name, f in fields.items() if name not in order},
        }
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"

    def clean_observed_on(self):
        value = self.cleaned_data["observed_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Datoen kan ikke være fram i tid."))
        return value


class NoteForm(Form):
    text = forms.CharField(label=_("Notat"), widget=forms.Textarea, max_length=5000)


class StepCompleteForm(DesignSystemMixin, forms.Form):
    step_code = forms.CharField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=_("Kort om hva som ble gjort (valgfritt)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


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
    given_on = forms.DateField(label=_("Dato"), initial=timezone.localdate)
    expires_on = forms.DateField(label=_("Utløper"), required=False)
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


class InvolveForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=Service.objects.none(), label=_("Tjeneste"))

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class DecisionForm(Form):
    # The step the decider saw: a decision on a case that moved meanwhile is refused.
    step_code = forms.CharField(widget=forms.HiddenInput)
    to_level = forms.ChoiceField(label=_("Beslutning"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea,
        help_text=_("Hvorfor dere beslutter dette. Begrunnelsen står i stafettloggen."),
    )
    child_view = forms.CharField(
        label=_("Barnets stemme"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv mener, ut fra alder og modenhet."),
    )

    def __init__(self, *args, level: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_level"].choices = [(o.value, o.label) for o in options(level)]

    def clean_to_level(self) -> int | None:
        value = self.cleaned_data["to_level"]
        return CLOSED if value == "avslutt" else int(value)


class ReportForm(Form):
    reported_at = forms.DateTimeField(label=_("Når ble meldingen sendt"), initial=timezone.now)
    channel = forms.ChoiceField(
        label=_("Hvordan"),
        choices=ChildProtectionReport.Channel.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Hva meldingen gjelder"),
        widget=forms.Textarea,
        help_text=_("Foresatte varsles ikke fra BTS."),
    )
    police_contacted = forms.BooleanField(label=_("Politiet er kontaktet"), required=False)
    received_by = forms.ModelChoiceField(
        queryset=Service.objects.none(),
        label=_("Barneverntjenesten som fikk meldingen"),
        required=False,
        help_text=_("Lederen i barneverntjenesten ser da saken i BTS."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        child_protection = Service.objects.filter(
            kind=Service.Kind.CHILD_PROTECTION, is_active=True
        ).order_by("name")
        field = self.fields["received_by"]
        field.queryset = child_protection
        if len(child_protection) == 1:
            field.initial = child_protection[0].pk
        elif not child_protection:
            del self.fields["received_by"]

    def clean_reported_at(self):
        value = self.cleaned_data["reported_at"]
        if value > timezone.now() + timedelta(minutes=5):
            raise ValidationError(_("Tidspunktet kan ikke være fram i tid."))
        return value


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


class AnonymousDiscussionForm(Form):
    discussed_with = forms.CharField(
        label=_("Drøftet med"),
        max_length=200,
        help_text=_("For eksempel familiehjelpa eller barnevernet."),
    )
    discussed_on = forms.DateField(label=_("Dato"), initial=timezone.localdate)
    summary = forms.CharField(
        label=_("Hva ble drøftet, og hvilke råd fikk du"),
        widget=forms.Textarea,
        help_text=_(
            "Ikke skriv navn, alder, adresse eller annet som kan kjenne igjen barnet "
            "eller familien."
        ),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        if services is not None:
            self.fields = {"service": _service_field(services), **self.fields}
            self.fields["service"].widget.attrs["class"] = "ds-input"


# --- Meetings, minutes, measures and evaluations ------------------------------------------------


class MeetingForm(Form):
    kind = forms.ChoiceField(label=_("Type møte"), choices=Meeting.Kind.choices)
    starts_at = forms.DateTimeField(
        label=_("Dato og klokkeslett"),
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

    def __init__(self, *args, services=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
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
    concern = forms.CharField(label=_("Undringen/problemet"), widget=forms.Textarea, required=False)
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


class MeasureForm(Form):
    description = forms.CharField(
        label=_("Tiltak"),
        widget=forms.Textarea,
        help_text=_("Hva skal gjøres, og hvor ofte."),
    )
    goal = forms.CharField(
        label=_("Mål"),
        widget=forms.Textarea,
        help_text=_("Målbart: hva skal være annerledes, og hvordan ser dere det?"),
    )
    location = forms.CharField(
        label=_("Hvor"),
        max_length=200,
        help_text=_("For eksempel i barnehagen, på skolen eller hjemme."),
    )
    responsible_service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("Ansvarlig tjeneste"), empty_label=None
    )
    responsible_person = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Ansvarlig person"), required=False
    )
    starts_on = forms.DateField(label=_("Starter"), initial=timezone.localdate)
    ends_on = forms.DateField(
        label=_("Slutter"), required=False, help_text=_("La stå tom hvis det ikke er bestemt.")
    )
    evaluation_due = forms.DateField(
        label=_("Evalueres innen"),
        error_messages={"required": _("Skriv når tiltaket skal evalueres.")},
    )

    def __init__(self, *args, services=None, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_service"].queryset = services
        self.fields["responsible_person"].queryset = people

    def clean(self):
        data = super().clean()
        starts, ends, due = data.get("starts_on"), data.get("ends_on"), data.get("evaluation_due")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("Sluttdatoen kan ikke være før tiltaket starter."))
        if starts and due and due < starts:
            self.add_error(
                "evaluation_due", _("Evalueringsdatoen kan ikke være før tiltaket starter.")
            )
        person, service = data.get("responsible_person"), data.get("responsible_service")
        if person and service and not active_memberships(person).filter(service=service).exists():
            self.add_error(
                "responsible_person",
                _("%(person)s jobber ikke i %(service)s.") % {"person": person, "service": service},
            )
        return data


class EvaluationForm(Form):
    evaluated_on = forms.DateField(label=_("Dato for evalueringen"), initial=timezone.localdate)
    effect = forms.CharField(
        label=_("Effekt"),
        widget=forms.Textarea,
        help_text=_("Er målet nådd? Hva har endret seg, og hvordan ser dere det?"),
    )
    child_experience = forms.CharField(
        label=_("Barnets egen opplevelse"),
        widget=forms.Textarea,
        help_text=_("Hva barnet selv sier eller viser, ut fra alder og modenhet."),
    )
    guardians_view = forms.CharField(label=_("Foresattes syn"), widget=forms.Textarea)
    outcome = forms.ChoiceField(
        label=_("Veien videre"), choices=Evaluation.Outcome.choices, widget=forms.RadioSelect
    )
    next_evaluation_due = forms.DateField(
        label=_("Neste evaluering"),
        required=False,
        help_text=_("Når tiltaket fortsetter eller endres: når skal det evalueres igjen?"),
    )

    def __init__(self, *args, measure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean(self):
        data = super().clean()
        evaluated_on, outcome = data.get("evaluated_on"), data.get("outcome")
        next_due = data.get("next_evaluation_due")
        if evaluated_on and evaluated_on > timezone.localdate():
            self.add_error("evaluated_on", _("Datoen kan ikke være fram i tid."))
        if evaluated_on and self.measure and evaluated_on < self.measure.starts_on:
            self.add_error("evaluated_on", _("Datoen kan ikke være før tiltaket startet."))
        if outcome and outcome != Evaluation.Outcome.END:
            if next_due is None and "next_evaluation_due" not in self.errors:
                self.add_error(
                    "next_evaluation_due", _("Skriv når tiltaket skal evalueres neste gang.")
                )
            elif next_due and evaluated_on and next_due <= evaluated_on:
                self.add_error(
                    "next_evaluation_due",
                    _("Neste evaluering må være etter denne evalueringen."),
                )
        return data


class HandoverForm(Form):
    to_user = forms.ModelChoiceField(
        queryset=None,
        label=_("Hvem skal overta"),
        help_text=_("Ansvaret går over først når vedkommende har akseptert."),
    )
    message = forms.CharField(label=_("Melding"), widget=forms.Textarea, required=False)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_user"].queryset = candidates


class HandoverAnswerForm(DesignSystemMixin, forms.Form):
    accept = forms.ChoiceField(
        label=_("Svar"),
        choices=[("ja", _("Jeg overtar saken")), ("nei", _("Jeg avslår"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Begrunnelse"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Må fylles ut hvis du avslår."),
    )

    def clean(self):
        data = super().clean()
        if data.get("accept") == "nei" and not data.get("answer", "").strip():
            self.add_error("answer", _("Skriv hvorfor du avslår."))
        return data


class CoordinationForm(DesignSystemMixin, forms.Form):
    service = forms.ModelChoiceField(queryset=None, label=_("Koordinerende tjeneste"))
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)
    child_view = forms.CharField(
        label=_("Barnets syn"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet mener om hvem som skal koordinere, ut fra alder og modenhet."),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services


class WideCollaborationForm(DesignSystemMixin, forms.Form):
    familiehjelpa = forms.ChoiceField(
        label=_("Familiehjelpa"),
        choices=WideCollaboration.Answer.choices,
        widget=forms.RadioSelect,
        help_text=_("På nivå 3 skal familien få tilbud om familiehjelpa."),
    )
    coordinator = forms.ModelChoiceField(queryset=None, required=False, label=_("Koordinator"))
    child_coordinator = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Barnekoordinator"),
        help_text=_(
            "Lovpålagt for familier med barn med alvorlig sykdom, skade eller nedsatt "
            "funksjonsevne som trenger langvarige, sammensatte tjenester "
            "(helse- og omsorgstjenesteloven § 7-2 a)."
        ),
    )
    individual_plan = forms.ChoiceField(
        label=_("Individuell plan"),
        choices=WideCollaboration.Answer.choices,
        widget=forms.RadioSelect,
        help_text=_("Krever eget samtykke. Bare én individuell plan per barn."),
    )
    note = forms.CharField(label=_("Merknad"), widget=forms.Textarea, required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = people
        self.fields["child_coordinator"].queryset = people


class ReassignAllForm(DesignSystemMixin, forms.Form):
    from_user = forms.ModelChoiceField(
        queryset=None,
        label=_("Ansatt som slutter eller er borte"),
        help_text=_("Alle åpne saker vedkommende har i tjenestene du leder, overføres."),
    )
    to_user = forms.ModelChoiceField(queryset=None, label=_("Hvem overtar sakene"))
    reason = forms.CharField(label=_("Begrunnelse"), widget=forms.Textarea)

    def __init__(self, *args, holders=None, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_user"].queryset = holders
        self.fields["to_user"].queryset = staff


class ConsentWithdrawForm(DesignSystemMixin, forms.Form):
    withdrawn_on = forms.DateField(label=_("Dato"), initial=timezone.localdate)
    how = forms.CharField(
        label=_("Hvordan"),
        max_length=300,
        help_text=_("For eksempel: skriftlig brev fra mor, eller muntlig i telefonen til ..."),
    )


class AccessPeriodForm(DesignSystemMixin, forms.Form):
    """The period of an access report (innsyn i logg); empty means the whole case."""

    fra = forms.DateField(label=_("Fra og med"), required=False)
    til = forms.DateField(label=_("Til og med"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("fra"), data.get("til")
        if start and end and end < start:
            self.add_error("til", _("Sluttdatoen kan ikke være før startdatoen."))
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
        label=_("Andre opplysninger"), max_length=300, required=False
    )
    purpose = forms.CharField(label=_("Formål"), widget=forms.Textarea)
    expires_on = forms.DateField(label=_("Gjelder til og med"), required=False)

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
        choices=[("", _("Alle nivåer")), *[(n, f"Nivå {n}") for n in range(4)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), label=_("Tjeneste"), required=False
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].empty_label = _("Alle tjenester")
        if not services:
            del self.fields["service"]
