"""Measures (tiltak) and their evaluations."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.dates import plausible
from bts.models import Service, User
from bts.selectors import active_memberships

from ..models import ChildNotHeard, Evaluation
from .base import Form


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
    starts_on = forms.DateField(
        label=_("Starter"), initial=timezone.localdate, validators=[plausible("measure")]
    )
    ends_on = forms.DateField(
        label=_("Slutter"),
        required=False,
        help_text=_("La stå tom hvis det ikke er bestemt."),
        validators=[plausible("measure")],
    )
    evaluation_due = forms.DateField(
        label=_("Evalueres innen"),
        validators=[plausible("measure")],
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
    evaluated_on = forms.DateField(
        label=_("Dato for evalueringen"),
        initial=timezone.localdate,
        validators=[plausible("happened")],
    )
    effect = forms.CharField(
        label=_("Effekt"),
        widget=forms.Textarea,
        help_text=_("Er målet nådd? Hva har endret seg, og hvordan ser dere det?"),
    )
    child_experience = forms.CharField(
        label=_("Barnets egen opplevelse"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Hva barnet selv sier eller viser, ut fra alder og modenhet."),
    )
    child_not_heard = forms.ChoiceField(
        label=_("Eller: hvorfor barnet ikke er hørt denne gangen"),
        choices=[("", _("Barnet er hørt (se feltet over)")), *ChildNotHeard.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    guardians_view = forms.CharField(label=_("Foresattes syn"), widget=forms.Textarea)
    outcome = forms.ChoiceField(
        label=_("Veien videre"), choices=Evaluation.Outcome.choices, widget=forms.RadioSelect
    )
    next_evaluation_due = forms.DateField(
        label=_("Neste evaluering"),
        required=False,
        validators=[plausible("measure")],
        help_text=_("Når tiltaket fortsetter eller endres: når skal det evalueres igjen?"),
    )

    def __init__(self, *args, measure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure

    def clean(self):
        data = super().clean()
        evaluated_on, outcome = data.get("evaluated_on"), data.get("outcome")
        next_due = data.get("next_evaluation_due")
        if not data.get("child_experience", "").strip() and not data.get("child_not_heard"):
            self.add_error(
                "child_experience",
                _("Skriv barnets egen opplevelse, eller velg hvorfor barnet ikke er hørt."),
            )
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
