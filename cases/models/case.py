"""The case, the undring that started it (or one discussed anonymously), its stafettlogg, its
checklist, and the reminders already sent.

Cases record the level number and step code they are at (not foreign keys to guide rows), so a
revised guide can be loaded without rewriting case history.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Municipality, Service
from levels.words import current_words, word_lazy

from .child import Child


class Case(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Avsluttet")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
    # The child's home municipality when the case was opened: the case follows its guide,
    # words and language form, whichever municipality hosts the services working on it.
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("kommune"),
        db_index=False,  # case_municipality_status_level leads with it
    )
    owner_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("tjeneste")
    )
    level = models.PositiveSmallIntegerField(_("nivå"), default=0)
    step_code = models.CharField(_("trinn"), max_length=8)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    opened_at = models.DateTimeField(_("opprettet"), default=timezone.now)
    closed_at = models.DateTimeField(_("avsluttet"), null=True, blank=True)
    decision_due = models.DateField(_("frist for beslutning"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_cases"
    )
    # The oppfølgingsansvarlig: the one employee who holds the case.
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="responsible_cases",
        verbose_name=_("oppfølgingsansvarlig"),
    )
    last_activity_at = models.DateTimeField(_("siste aktivitet"), default=timezone.now)
    # The archive package (cases.archive): made when the case is closed, for the records system.
    archived_at = models.DateTimeField(_("arkivert"), null=True, blank=True)
    archive = models.ForeignKey(
        "bts.StoredFile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arkivpakke"),
    )
    archive_sha256 = models.CharField(_("arkivpakkens SHA-256"), max_length=64, blank=True)
    # Personal data deleted when the retention period after archiving ended (cases.retention).
    anonymised_at = models.DateTimeField(_("anonymisert"), null=True, blank=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("sak")
        verbose_name_plural = _("saker")
        indexes = [
            models.Index(fields=["responsible", "status"], name="case_responsible_status"),
            # The case list's order within a service, read page by page (and, scanned the
            # other way, a leader's list of the cases untouched longest).
            models.Index(
                fields=["owner_service", "status", "-last_activity_at", "-id"],
                name="case_service_activity",
            ),
            # A municipality's open cases per service and level, from the index alone.
            models.Index(
                fields=["municipality", "status", "owner_service", "level"],
                name="case_municipality_status_level",
            ),
            models.Index(fields=["opened_at"], name="case_opened_at"),  # cases per month
            # Open cases reached through another row (a service's involvements, say) for the
            # case list: their last activity without reading the case.
            models.Index(
                fields=["id"],
                include=["last_activity_at"],
                condition=Q(status="open"),
                name="case_open_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"Sak {self.pk}"

    @property
    def reference(self) -> str:
        return f"Sak {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def wide_collaboration_or_none(self):
        """The nivå 3 record if there is one (no query when fetched with select_related)."""
        from .responsibility import WideCollaboration  # that module imports this one

        try:
            return self.wide_collaboration
        except WideCollaboration.DoesNotExist:
            return None


class Concern(ChoiceLabels, models.Model):
    """The undring: what was seen or heard, written as facts, not interpretations."""

    class Worry(models.IntegerChoices):
        LITTLE = 1, _("Litt bekymret")
        SOME = 2, _("Noe bekymret")
        QUITE = 3, _("Ganske bekymret")
        VERY = 4, _("Svært bekymret")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="concerns")
    municipality = MunicipalityKey(parent="case")
    observation = models.TextField(_("hva du har sett eller hørt"))
    observed_on = models.DateField(_("når"))
    setting = models.CharField(_("i hvilken situasjon"), max_length=300)
    worry = models.PositiveSmallIntegerField(_("bekymringsgrad"), choices=Worry.choices)
    # Ticked in the toolbox's checklists, as the items' text (a later toolbox may word them
    # differently; what was ticked stays as it was). The free text beside them is older
    # concerns' only record of the factors, and now holds what the lists do not say.
    risk_factor_items = ArrayField(
        models.CharField(max_length=300),
        verbose_name=_("risikofaktorer (sjekkliste)"),
        default=list,
        blank=True,
    )
    protective_factor_items = ArrayField(
        models.CharField(max_length=300),
        verbose_name=_("beskyttelsesfaktorer (sjekkliste)"),
        default=list,
        blank=True,
    )
    risk_factors = models.TextField(_("risikofaktorer"), blank=True)
    protective_factors = models.TextField(_("beskyttelsesfaktorer"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = word_lazy("concern")
        verbose_name_plural = word_lazy("concern_plural")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{current_words().Concern} {self.observed_on:%d.%m.%Y}"


class AnonymousDiscussion(ChoiceLabels, models.Model):
    """An undring discussed without any identifying data (with familiehjelpa, barnevern …)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    municipality = MunicipalityKey(parent="service")
    discussed_with = models.CharField(_("drøftet med"), max_length=200)
    discussed_on = models.DateField(_("dato"))
    summary = models.TextField(_("hva ble drøftet, og råd"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    def __str__(self) -> str:
        return f"Anonym drøfting {self.discussed_on:%d.%m.%Y}"


class RelayEntry(ChoiceLabels, models.Model):
    """One line of the stafettlogg: who did what, when, at which level and step."""

    class Kind(models.TextChoices):
        OPENED = "opened", format_lazy(_("{Concern} registrert"), Concern=word_lazy("Concern"))
        CONCERN = "concern", format_lazy(_("{Concern} konkretisert"), Concern=word_lazy("Concern"))
        STEP_DONE = "step_done", _("Trinn fullført")
        NOTE = "note", _("Notat")
        SERVICE_JOINED = "service_joined", _("Tjeneste med i saken")
        CONSENT = "consent", _("Samtykke")
        DECISION = "decision", _("Beslutning")
        PROPOSAL = "proposal", _("Forslag til beslutning")
        REPORT = "report", _("Melding til barnevernet")
        MEETING = "meeting", _("Møte")
        MINUTES = "minutes", _("Referat")
        MEASURE = "measure", _("Tiltak")
        EVALUATION = "evaluation", _("Evaluering")
        HANDOVER = "handover", _("Oppfølgingsansvar")
        COORDINATION = "coordination", _("Koordinerende tjeneste")
        WIDE = "wide", _("Nivå 3: tilbud")
        ARCHIVED = "archived", _("Arkivert")
        # The family's own words in their log ("familiene eier sin sak").
        FAMILY_NOTE = "family_note", _("Vår stemme")
        MEETING_ANSWER = "meeting_answer", _("Familiens svar på møte")
        FAMILY_TOPIC = "family_topic", _("Tema familien vil ta opp")
        CHILD_WORDS = "child_words", _("Barnets egne ord")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relay_entries")
    municipality = MunicipalityKey(parent="case")
    at = models.DateTimeField(default=timezone.now)
    # The employee who wrote it; none for what the family wrote (`by_family` names them).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    by_family = models.CharField(_("skrevet av familien"), max_length=120, blank=True)
    # A note the holder keeps from the family until then (a draft); none: the family sees it.
    shared_from = models.DateTimeField(_("deles med familien fra"), null=True, blank=True)
    # Concerns a guardian's or the child's strictly confidential address: the family's page shows
    # it only to a guardian under that protection (or the young person).
    protected_address = models.BooleanField(_("gjelder strengt fortrolig adresse"), default=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    level = models.PositiveSmallIntegerField()
    step_code = models.CharField(max_length=8, blank=True)
    text = models.TextField()
    # Set for entries a person writes directly (notes), so a double submit makes one.
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("stafettlogg-oppføring")
        verbose_name_plural = _("stafettlogg")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at", "-id"], name="relayentry_case_at")]
        constraints = [
            # Every line has its author: an employee, or the family by name.
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | ~Q(by_family=""),
                name="relayentry_has_author",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}"

    @property
    def held_from_family(self) -> bool:
        """A note the family does not see yet."""
        return self.shared_from is not None and self.shared_from > timezone.now()

    @property
    def author(self) -> str:
        if self.actor_id:
            return str(self.actor)
        return _("%(name)s (familien)") % {"name": self.by_family}


class StepCheck(ChoiceLabels, models.Model):
    """A checklist item of a step ticked off in this case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_checks")
    municipality = MunicipalityKey(parent="case")
    step_code = models.CharField(max_length=8)
    item = models.CharField(max_length=200)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "step_code", "item"], name="stepcheck_once")
        ]

    def __str__(self) -> str:
        return f"{self.step_code}: {self.item}"


class ReminderSent(ChoiceLabels, models.Model):
    """A due-date e-mail already sent, so the daily run sends each reminder once."""

    key = models.CharField(max_length=80, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
