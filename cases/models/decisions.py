"""Decisions at the decision steps, and reports to barnevernet."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.models import Service

from .case import Case


class Decision(ChoiceLabels, models.Model):
    """A decision at a decision step (0.4, 1.4, 2.4, 3.5): always with the reason why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField(null=True)  # null: the case was closed
    move = models.CharField(max_length=10)
    step_code = models.CharField(max_length=8)
    reason = models.TextField(_("begrunnelse"))
    child_view = models.TextField(_("barnets stemme"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ["decided_at"]
        indexes = [models.Index(fields=["decided_at"], name="decision_decided_at")]

    def __str__(self) -> str:
        return f"Beslutning {self.decided_at:%d.%m.%Y}: {self.move}"


class ChildProtectionReport(ChoiceLabels, models.Model):
    """Opplysningsplikt (barnevernsloven § 13-2): needs no consent, never notifies guardians."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        DIGITAL = "digital", _("Digital melding")
        LETTER = "letter", _("Brev")
        IN_PERSON = "in_person", _("Møte")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
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
