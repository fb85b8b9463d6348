"""Decisions at the decision steps, and reports to barnevernet."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Service

from .case import Case


class ChildNotHeard(models.TextChoices):
    """Why the child's own view is not written down (the field is never just left empty)."""

    AGE = "age", _("Barnet er for ungt til å gi uttrykk for sin mening")
    MATURITY = "maturity", _("Barnets modenhet gjør det ikke mulig nå")
    DECLINED = "declined", _("Barnet ønsket ikke å si sin mening")


class Decision(ChoiceLabels, models.Model):
    """A decision at a decision step (0.4, 1.4, 2.4, 3.5): always with the reason why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    municipality = MunicipalityKey(parent="case")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField(null=True)  # null: the case was closed
    move = models.CharField(max_length=10)
    step_code = models.CharField(max_length=8)
    reason = models.TextField(_("begrunnelse"))
    child_view = models.TextField(_("barnets stemme"), blank=True)
    child_not_heard = models.CharField(
        _("hvorfor barnet ikke er hørt"), max_length=10, choices=ChildNotHeard.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Where the guide has the leader take the decision: the holder who proposed it.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ["decided_at"]
        indexes = [models.Index(fields=["decided_at"], name="decision_decided_at")]

    def __str__(self) -> str:
        return f"Beslutning {self.decided_at:%d.%m.%Y}: {self.move}"


class DecisionProposal(ChoiceLabels, models.Model):
    """A decision the holder proposes where the guide has the leader take it: final only when a
    leader of the case's service confirms it (then a Decision), or set aside when they do not."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter på leder")
        CONFIRMED = "confirmed", _("Bekreftet")
        REJECTED = "rejected", _("Ikke bekreftet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="proposals")
    municipality = MunicipalityKey(parent="case")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField(null=True)  # null: close the case
    step_code = models.CharField(max_length=8)
    reason = models.TextField(_("begrunnelse"))
    child_view = models.TextField(_("barnets stemme"), blank=True)
    child_not_heard = models.CharField(
        _("hvorfor barnet ikke er hørt"), max_length=10, choices=ChildNotHeard.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("leders kommentar"), blank=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("forslag til beslutning")
        verbose_name_plural = _("forslag til beslutning")
        ordering = ["proposed_at", "id"]
        constraints = [
            # One proposal waits at a time: the leader answers it before another is made.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="decisionproposal_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"Forslag til beslutning {self.proposed_at:%d.%m.%Y}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class ChildProtectionReport(ChoiceLabels, models.Model):
    """Opplysningsplikt (barnevernsloven § 13-2): needs no consent, never notifies guardians."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        DIGITAL = "digital", _("Digital melding")
        LETTER = "letter", _("Brev")
        IN_PERSON = "in_person", _("Møte")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    municipality = MunicipalityKey(parent="case")
    reported_at = models.DateTimeField(_("meldt"))
    channel = models.CharField(_("hvordan"), max_length=10, choices=Channel.choices)
    reason = models.TextField(_("hva meldingen gjelder"))
    police_contacted = models.BooleanField(_("politiet er kontaktet"), default=False)
    # The barnevern service that received it, when barnevern works in BTS: its leader then
    # sees the case. Empty when the municipality's barnevern is not a service here.
    received_by = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_reports",
        verbose_name=_("barneverntjeneste"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    def __str__(self) -> str:
        return f"Melding til barnevernet {self.reported_at:%d.%m.%Y}"
