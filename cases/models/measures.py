"""Measures (tiltak) and their evaluations."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Service

from .case import Case
from .decisions import ChildNotHeard


class Measure(ChoiceLabels, models.Model):
    """A tiltak: an agreed action with a measurable goal, someone responsible and an evaluation."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktivt")
        ENDED = "ended", _("Avsluttet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    municipality = MunicipalityKey(parent="case")
    description = models.TextField(_("tiltak"))
    goal = models.TextField(_("mål"))
    location = models.CharField(_("hvor"), max_length=200)
    responsible_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("ansvarlig tjeneste")
    )
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarlig person"),
    )
    starts_on = models.DateField(_("starter"))
    ends_on = models.DateField(_("slutter"), null=True, blank=True)
    evaluation_due = models.DateField(_("evalueres innen"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("tiltak")
        verbose_name_plural = _("tiltak")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="measure_ends_after_start",
                violation_error_message=_("Sluttdatoen kan ikke være før tiltaket starter."),
            ),
            models.CheckConstraint(
                condition=Q(evaluation_due__gte=models.F("starts_on")),
                name="measure_evaluated_after_start",
                violation_error_message=_("Evalueringsdatoen kan ikke være før tiltaket starter."),
            ),
        ]

    def __str__(self) -> str:
        return f"Tiltak {self.starts_on:%d.%m.%Y}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def evaluation_overdue(self) -> bool:
        return self.is_active and self.evaluation_due < timezone.localdate()


class Evaluation(ChoiceLabels, models.Model):
    """Did the measure work? With the child's own experience and the way forward."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("Fortsett tiltaket")
        CHANGE = "change", _("Endre tiltaket")
        END = "end", _("Avslutt tiltaket")

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="evaluations")
    municipality = MunicipalityKey(parent="measure")
    effect = models.TextField(_("effekt"))
    child_experience = models.TextField(_("Barnets egen opplevelse"), blank=True)
    child_not_heard = models.CharField(
        _("hvorfor barnet ikke er hørt"), max_length=10, choices=ChildNotHeard.choices, blank=True
    )
    guardians_view = models.TextField(_("Foresattes syn"))
    outcome = models.CharField(_("veien videre"), max_length=8, choices=Outcome.choices)
    evaluated_on = models.DateField(_("evaluert"))
    # When the measure goes on (continue/change): its next evaluation date.
    next_evaluation_due = models.DateField(_("neste evaluering"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("evaluering")
        verbose_name_plural = _("evalueringer")
        ordering = ["evaluated_on", "id"]

    def __str__(self) -> str:
        return f"Evaluering {self.evaluated_on:%d.%m.%Y}: {self.get_outcome_display()}"
