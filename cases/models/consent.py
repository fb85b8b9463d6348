"""Consent to share information and cooperate, and the services that take part by it."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Service

from .case import Case
from .child import Guardian


class Consent(ChoiceLabels, models.Model):
    """Consent that named services may share information and cooperate in the case.

    Given to services, not to persons; by each guardian with parental responsibility, and by the
    child from the municipality's age (the active guide's `child_consent_age`). Written (the
    signed form is uploaded) or oral (then noted: who received it, what was explained)."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Skriftlig")
        ORAL = "oral", _("Muntlig")
        DIGITAL = "digital", _("Digitalt (ID-porten)")

    class Information(models.TextChoices):
        WELLBEING = "wellbeing", _("Trivsel, utvikling og læring")
        HEALTH = "health", _("Helse")
        FAMILY = "family", _("Familiens situasjon")
        MEASURES = "measures", _("Tiltak, vurderinger og referater")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    municipality = MunicipalityKey(parent="case")
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("tjenester"))
    # Who consented, as one line for the log and the page (built from the fields below).
    given_by = models.CharField(_("gitt av"), max_length=300)
    guardians = models.ManyToManyField(
        Guardian, blank=True, related_name="consents", verbose_name=_("foresatte")
    )
    child_consented = models.BooleanField(_("barnet selv samtykker"), default=False)
    information = ArrayField(
        models.CharField(max_length=16, choices=Information.choices),
        verbose_name=_("opplysninger som kan deles"),
        default=list,
        blank=True,
    )
    information_other = models.CharField(_("andre opplysninger"), max_length=300, blank=True)
    form = models.CharField(_("form"), max_length=8, choices=Form.choices)
    oral_note = models.TextField(_("notat om det muntlige samtykket"), blank=True)
    document = models.ForeignKey(
        "bts.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signert skjema"),
    )
    purpose = models.TextField(_("formål"))
    given_on = models.DateField(_("dato"))
    expires_on = models.DateField(_("utløper"), null=True, blank=True)
    withdrawn_on = models.DateField(_("trukket tilbake"), null=True, blank=True)
    withdrawn_how = models.CharField(
        _("hvordan det ble trukket tilbake"), max_length=300, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A refusal is recorded too: it is never active, and the log shows it was asked.
    refused = models.BooleanField(_("foresatte sa nei"), default=False)
    # A digital request waits for the answers of everyone required (`ConsentAnswer`).
    pending = models.BooleanField(_("venter på svar"), default=False)
    # A digital request's text as the municipality wrote it (bokmål or nynorsk): what is
    # authoritative, whatever language the family reads a translation in.
    text = models.TextField(_("teksten det ble bedt om samtykke med"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")

    def __str__(self) -> str:
        return f"Samtykke {self.given_on:%d.%m.%Y} ({self.get_form_display()})"

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return (
            not self.refused
            and not self.pending
            and self.withdrawn_on is None
            and (self.expires_on is None or self.expires_on >= today)
        )

    @property
    def takes_answers(self) -> bool:
        """A digital request still waiting for answers, and not past its expiry date (a
        withdrawal or a refusal ends the waiting)."""
        expired = self.expires_on is not None and self.expires_on < timezone.localdate()
        return self.pending and not expired

    @property
    def withdrawable(self) -> bool:
        """Staff may withdraw it: active, or a request still waiting (which ends it)."""
        return self.is_active or self.pending

    def get_information_labels(self) -> list[str]:
        labels = dict(self.Information.choices)
        return [labels.get(kind, kind) for kind in self.information]

    @classmethod
    def withdrawable_q(cls) -> Q:
        return cls.active_q() | Q(pending=True)

    @classmethod
    def active_q(cls, prefix: str = "") -> Q:
        today = timezone.localdate()
        return Q(
            **{
                f"{prefix}withdrawn_on__isnull": True,
                f"{prefix}refused": False,
                f"{prefix}pending": False,
            }
        ) & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today}))


class ConsentAnswer(ChoiceLabels, models.Model):
    """One party's digital answer to a consent request: a guardian with parental responsibility,
    or the child from the consent age, signed in with ID-porten. Keeps when, at which assurance
    level, in which language, and the exact text shown. A party answers once; a given consent
    can later be withdrawn (which withdraws the consent for everyone)."""

    class Answer(models.TextChoices):
        GIVEN = "given", _("Samtykker")
        REFUSED = "refused", _("Samtykker ikke")

    consent = models.ForeignKey(Consent, on_delete=models.CASCADE, related_name="answers")
    municipality = MunicipalityKey(parent="consent")
    guardian = models.ForeignKey(
        Guardian, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The young person's own answer (from the consent age); then no guardian.
    by_child = models.BooleanField(default=False)
    name = models.CharField(_("navn"), max_length=200)
    answer = models.CharField(_("svar"), max_length=8, choices=Answer.choices)
    answered_at = models.DateTimeField(_("svart"), default=timezone.now)
    # ID-porten's `acr` of the session that answered (e.g. idporten-loa-high).
    assurance = models.CharField(_("sikkerhetsnivå"), max_length=40)
    language = models.CharField(_("språk"), max_length=8)
    # What the page showed: the Norwegian text, and the translation beside it when there was one.
    text_shown = models.TextField(_("teksten som ble vist"))
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("svar på samtykke")
        verbose_name_plural = _("svar på samtykker")
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "guardian"],
                condition=Q(guardian__isnull=False),
                name="consentanswer_guardian_once",
            ),
            models.UniqueConstraint(
                fields=["consent"], condition=Q(by_child=True), name="consentanswer_child_once"
            ),
            models.CheckConstraint(
                condition=Q(guardian__isnull=False, by_child=False)
                | Q(guardian__isnull=True, by_child=True),
                name="consentanswer_one_party",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_answer_display()}"


class Involvement(ChoiceLabels, models.Model):
    """Another service taking part in the case (nivå 1 with others, 2, 3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
    municipality = MunicipalityKey(parent="case")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="involvements")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="involvements")
    joined_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "service"], name="involvement_once")]

    def __str__(self) -> str:
        return f"{self.service} i sak {self.case_id}"
