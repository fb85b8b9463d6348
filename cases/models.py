"""A child's course through the levels: the case, what started it, and everything done since.

Cases record the level number and step code they are at (not foreign keys to guide rows), so a
revised guide can be loaded without rewriting case history.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from bts.choices import ChoiceLabels
from bts.models import Service

from .identity import IdentityKind, mask_identity_number


class Child(ChoiceLabels, models.Model):
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("etternavn"), max_length=100)
    # Unborn children (a pregnancy) have no birth date yet.
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True)
    # Validated by its check digits; shown masked; never in a URL or a log line.
    national_id = models.CharField(_("fødselsnummer/D-nummer"), max_length=11, blank=True)
    national_id_kind = models.CharField(
        _("type nummer"), max_length=3, choices=IdentityKind.choices, blank=True
    )
    siblings = models.ManyToManyField("self", blank=True, verbose_name=_("søsken"))
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("barn")
        verbose_name_plural = _("barn")
        indexes = [
            models.Index(
                fields=["national_id"], name="child_national_id", condition=~Q(national_id="")
            ),
            models.Index(fields=["last_name", "first_name", "birth_date"], name="child_name"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_national_id(self) -> str:
        return mask_identity_number(self.national_id) if self.national_id else ""

    def age_on(self, day) -> int | None:
        """Whole years on `day` (None for an unborn child)."""
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Guardian(ChoiceLabels, models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("navn"), max_length=200)
    relation = models.CharField(_("relasjon til barnet"), max_length=60, blank=True)
    # Only guardians with parental responsibility consent on the child's behalf.
    has_parental_responsibility = models.BooleanField(_("har foreldreansvar"), default=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)

    class Meta:
        verbose_name = _("foresatt")
        verbose_name_plural = _("foresatte")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Case(ChoiceLabels, models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Åpen")
        CLOSED = "closed", _("Avsluttet")

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases")
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
            # The municipality's open cases per service and level, from the index alone.
            models.Index(fields=["status", "owner_service", "level"], name="case_status_level"),
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
        verbose_name = _("undring")
        verbose_name_plural = _("undringer")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Undring {self.observed_on:%d.%m.%Y}"


class RelayEntry(ChoiceLabels, models.Model):
    """One line of the stafettlogg: who did what, when, at which level and step."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Undring registrert")
        CONCERN = "concern", _("Undring konkretisert")
        STEP_DONE = "step_done", _("Trinn fullført")
        NOTE = "note", _("Notat")
        SERVICE_JOINED = "service_joined", _("Tjeneste med i saken")
        CONSENT = "consent", _("Samtykke")
        DECISION = "decision", _("Beslutning")
        REPORT = "report", _("Melding til barnevernet")
        MEETING = "meeting", _("Møte")
        MINUTES = "minutes", _("Referat")
        MEASURE = "measure", _("Tiltak")
        EVALUATION = "evaluation", _("Evaluering")
        HANDOVER = "handover", _("Oppfølgingsansvar")
        COORDINATION = "coordination", _("Koordinerende tjeneste")
        WIDE = "wide", _("Nivå 3: tilbud")
        ARCHIVED = "archived", _("Arkivert")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="relay_entries")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}"


class Consent(ChoiceLabels, models.Model):
    """Consent that named services may share information and cooperate in the case.

    Given to services, not to persons; by each guardian with parental responsibility, and by the
    child from the municipality's age (the active guide's `child_consent_age`). Written (the
    signed form is uploaded) or oral (then noted: who received it, what was explained)."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Skriftlig")
        ORAL = "oral", _("Muntlig")

    class Information(models.TextChoices):
        WELLBEING = "wellbeing", _("Trivsel, utvikling og læring")
        HEALTH = "health", _("Helse")
        FAMILY = "family", _("Familiens situasjon")
        MEASURES = "measures", _("Tiltak, vurderinger og referater")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
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
            and self.withdrawn_on is None
            and (self.expires_on is None or self.expires_on >= today)
        )

    def get_information_labels(self) -> list[str]:
        labels = dict(self.Information.choices)
        return [labels.get(kind, kind) for kind in self.information]

    @classmethod
    def active_q(cls, prefix: str = "") -> Q:
        today = timezone.localdate()
        return Q(**{f"{prefix}withdrawn_on__isnull": True, f"{prefix}refused": False}) & (
            Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": today})
        )


class Involvement(ChoiceLabels, models.Model):
    """Another service taking part in the case (nivå 1 with others, 2, 3)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="involvements")
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


class AnonymousDiscussion(ChoiceLabels, models.Model):
    """An undring discussed without any identifying data (with familiehjelpa, barnevern …)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
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


class Meeting(ChoiceLabels, models.Model):
    """A meeting in the case. Guardians and the child are invited, never summoned."""

    class Kind(models.TextChoices):
        CONCERN_TALK = "undringssamtale", _("Undringssamtale")
        COLLABORATION = "samarbeidsmote", _("Samarbeidsmøte")
        EVALUATION = "evalueringsmote", _("Evalueringsmøte")
        INTERDISCIPLINARY_TEAM = "tverrfaglig_team", _("Tverrfaglig team")
        CHILD_TEAM = "barneteam", _("Barneteam")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("type møte"), max_length=20, choices=Kind.choices)
    starts_at = models.DateTimeField(_("tidspunkt"))
    place = models.CharField(_("sted"), max_length=200)
    agenda = models.TextField(_("hva skal dere snakke om"))
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="meetings", verbose_name=_("ansatte som deltar")
    )
    participant_services = models.ManyToManyField(
        Service, related_name="meetings", verbose_name=_("tjenester som deltar")
    )
    # Guardians, the child, a trusted person: free text, they are not users.
    other_participants = models.TextField(_("andre som er invitert"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("møte")
        verbose_name_plural = _("møter")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at)
        return f"{self.get_kind_display()} {when:%d.%m.%Y}"

    @property
    def saved_minutes(self) -> "Minutes | None":
        """The minutes if any were saved (no query when fetched with select_related)."""
        try:
            return self.minutes
        except Minutes.DoesNotExist:
            return None

    @property
    def labelled_minutes(self) -> list[tuple[str, str]]:
        return Minutes.labelled(self.saved_minutes)


class Minutes(ChoiceLabels, models.Model):
    """The referat of one meeting, saved with optimistic locking: `version` counts the saves."""

    SECTIONS = (
        "present",
        "child_voice",
        "concern",
        "shared_understanding",
        "measures_agreed",
        "responsibilities",
        "time_frame",
        "effect_judgement",
        "next_meeting",
    )

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    present = models.TextField(_("Til stede"), blank=True)
    child_voice = models.TextField(_("Barnets stemme"), blank=True)
    concern = models.TextField(_("Undringen/problemet"), blank=True)
    shared_understanding = models.TextField(_("Felles forståelse"), blank=True)
    measures_agreed = models.TextField(_("Tiltak som ble avtalt"), blank=True)
    responsibilities = models.TextField(_("Ansvarsfordeling"), blank=True)
    time_frame = models.TextField(_("Tidsramme"), blank=True)
    effect_judgement = models.TextField(_("Hvordan effekten skal vurderes"), blank=True)
    next_meeting = models.TextField(_("Neste møte"), blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("sist lagret"), default=timezone.now)

    class Meta:
        verbose_name = _("referat")
        verbose_name_plural = _("referater")

    def __str__(self) -> str:
        return f"Referat {self.meeting} (versjon {self.version})"

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in self.SECTIONS}

    @classmethod
    def labelled(cls, minutes: "Minutes | None") -> list[tuple[str, str]]:
        """(label, text) of every section, in the template's order; empty texts without minutes."""
        return [
            (cls._meta.get_field(name).verbose_name, getattr(minutes, name) if minutes else "")
            for name in cls.SECTIONS
        ]


class Measure(ChoiceLabels, models.Model):
    """A tiltak: an agreed action with a measurable goal, someone responsible and an evaluation."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktivt")
        ENDED = "ended", _("Avsluttet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
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
    effect = models.TextField(_("effekt"))
    child_experience = models.TextField(_("Barnets egen opplevelse"))
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


class Handover(ChoiceLabels, models.Model):
    """Responsibility offered to another employee; it moves only when they accept."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Tilbudt")
        ACCEPTED = "accepted", _("Akseptert")
        DECLINED = "declined", _("Avslått")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="handovers_offered",
        verbose_name=_("til"),
    )
    message = models.TextField(_("melding"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("begrunnelse"), blank=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ["-offered_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="offered"), name="handover_one_open_offer"
            )
        ]

    def __str__(self) -> str:
        return f"Overføring {self.offered_at:%d.%m.%Y} ({self.get_status_display()})"


class Coordination(ChoiceLabels, models.Model):
    """Which service holds the coordinating responsibility, and since when (history kept)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="coordinations")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("begrunnelse"))
    child_view = models.TextField(_("barnets syn"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ends_at__isnull=True), name="coordination_one_current"
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} fra {self.starts_at:%d.%m.%Y}"


class Watch(ChoiceLabels, models.Model):
    """Samtidighetsansvar: one who passed the case on still follows it, with a reminder date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    since = models.DateTimeField(default=timezone.now)
    remind_on = models.DateField(_("påminnelse"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="watch_once")]

    def __str__(self) -> str:
        return f"Følger sak {self.case_id}"


class WideCollaboration(ChoiceLabels, models.Model):
    """What was offered at nivå 3: familiehjelpa, coordinator, barnekoordinator, individual plan."""

    class Answer(models.TextChoices):
        NOT_YET = "not_yet", _("Ikke tilbudt ennå")
        ACCEPTED = "accepted", _("Tilbudt og ønsket")
        DECLINED = "declined", _("Tilbudt, familien takket nei")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="wide_collaboration")
    familiehjelpa = models.CharField(
        _("Familiehjelpa"), max_length=10, choices=Answer.choices, default=Answer.NOT_YET
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("koordinator"),
    )
    child_coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("barnekoordinator"),
    )
    individual_plan = models.CharField(
        _("Individuell plan"), max_length=10, choices=Answer.choices, default=Answer.NOT_YET
    )
    note = models.TextField(_("merknad"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Nivå 3-tilbud i sak {self.case_id}"


class ReminderSent(ChoiceLabels, models.Model):
    """A due-date e-mail already sent, so the daily run sends each reminder once."""

    key = models.CharField(max_length=80, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key


class StepCheck(ChoiceLabels, models.Model):
    """A checklist item of a step ticked off in this case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="step_checks")
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


class CaseUserGrant(UserObjectPermissionBase):
    """A per-case grant (django-guardian, direct foreign key): this user takes part in the case.

    Written and removed by `cases.grants` in the transaction of the event that changes the
    person's part. Never read alone: `visible_cases` also requires that the person's service
    is in the case now (consent, membership), which can end without any event (expiry).
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("tilgang til sak (person)")
        verbose_name_plural = _("tilganger til saker (personer)")
        indexes = [models.Index(fields=["content_object", "user"], name="caseusergrant_case_user")]


class CaseGroupGrant(GroupObjectPermissionBase):
    """Guardian's group grants on cases, in a table of their own: a case is never in guardian's
    generic tables. BTS grants to persons, not groups; this table stays empty."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("tilgang til sak (gruppe)")
        verbose_name_plural = _("tilganger til saker (grupper)")
