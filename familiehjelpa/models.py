"""Familiehjelpa's own records: inquiries (henvendelser), their triage, the mapping form
(kartleggingsskjema), conversations with the family, DUKEN, the barneteam, and the anonymous
advice calls of the drøftingstelefon.

An inquiry about a child is linked to the child's case (`InquiryCase`), never a parallel
record: what is about the child (name, guardians, consent, level) is read from the case,
through `cases.access.visible_cases`. Only the members of the familiehjelpa service see
inquiries (`familiehjelpa.access`).
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
from bts.models import Service
from levels.words import word_lazy


class Inquiry(ChoiceLabels, models.Model):
    """A henvendelse: a call, an e-mail, a visit or a referral in BTS to familiehjelpa."""

    class State(models.TextChoices):
        NEW = "ny", _("Ny")
        MAPPING = "kartlegging", _("Kartlegging")
        CONVERSATION = "samtale_avtalt", _("Samtale avtalt")
        CONTACT_ASSIGNED = "familiekontakt_tildelt", _("Familiekontakt tildelt")
        CHILD_TEAM = "henvist_barneteam", _("Henvist barneteam")
        CLOSED = "avsluttet", _("Avsluttet")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Telefon")
        EMAIL = "email", _("E-post")
        IN_PERSON = "in_person", _("Oppmøte")
        BTS = "bts", format_lazy(_("Henvisning i {product}"), product=word_lazy("product"))

    class Source(models.TextChoices):
        FAMILY = "family", _("Familien selv")
        SERVICE = "service", _("En tjeneste på vegne av familien")

    class Urgency(models.TextChoices):
        NORMAL = "normal", _("Vanlig")
        SOON = "soon", _("Bør tas innen en uke")
        URGENT = "urgent", _("Haster")

    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="inquiries", verbose_name=_("familiehjelpa")
    )
    municipality = MunicipalityKey(parent="service")
    received_at = models.DateTimeField(_("mottatt"), default=timezone.now)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices)
    source = models.CharField(_("fra"), max_length=12, choices=Source.choices)
    referring_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_inquiries",
        verbose_name=_("henvisende tjeneste"),
    )
    caller_name = models.CharField(_("hvem henvendte seg"), max_length=200)
    caller_role = models.CharField(_("rolle eller relasjon"), max_length=100, blank=True)
    caller_phone = models.CharField(_("telefon"), max_length=32, blank=True)
    caller_email = models.EmailField(_("e-post"), blank=True)
    about = models.TextField(_("hva henvendelsen gjelder"))
    urgency = models.CharField(
        _("hastegrad"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    state = models.CharField(_("status"), max_length=24, choices=State.choices, default=State.NEW)
    state_changed_at = models.DateTimeField(default=timezone.now)
    family_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_inquiries",
        verbose_name=_("familiekontakt"),
    )
    # When familiehjelpa first spoke with the family (the call itself, when the family called).
    first_contact_at = models.DateTimeField(_("første kontakt med familien"), null=True, blank=True)
    close_reason = models.TextField(_("hvorfor henvendelsen ble avsluttet"), blank=True)
    reply_sent_at = models.DateTimeField(_("svarbrev sendt"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["service", "state", "received_at"], name="inquiry_board"),
            models.Index(fields=["family_contact", "state"], name="inquiry_contact_state"),
            models.Index(fields=["service", "received_at"], name="inquiry_service_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="service") | Q(referring_service__isnull=False),
                name="inquiry_service_source_names_service",
                violation_error_message=_("Velg tjenesten som henvender seg."),
            ),
        ]

    def __str__(self) -> str:
        return f"Henvendelse {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class InquiryCase(ChoiceLabels, models.Model):
    """The inquiry is about this child, whose case it created or joined."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="links")
    municipality = MunicipalityKey(parent="inquiry")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="familiehjelpa_links"
    )
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["inquiry", "case"], name="inquirycase_once")]
        indexes = [models.Index(fields=["case", "inquiry"], name="inquirycase_case")]

    def __str__(self) -> str:
        return f"Henvendelse {self.inquiry_id} – sak {self.case_id}"


class InquiryEvent(ChoiceLabels, models.Model):
    """The inquiry's own history: every move between states and every piece of work."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registrert")
        MOVED = "moved", _("Flyttet")
        LINKED = "linked", _("Knyttet til sak")
        MAPPING = "mapping", _("Kartlegging")
        CONVERSATION = "conversation", _("Samtale")
        DUKEN = "duken", _("DUKEN")
        CONTACT = "contact", _("Familiekontakt")
        CHILD_TEAM = "child_team", _("Barneteam")
        REPLY = "reply", _("Svarbrev")

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="events")
    municipality = MunicipalityKey(parent="inquiry")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_state = models.CharField(max_length=24, choices=Inquiry.State.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=Inquiry.State.choices, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["inquiry", "-at", "-id"], name="inquiryevent_inquiry_at")]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.get_kind_display()}"


class Mapping(ChoiceLabels, models.Model):
    """The team leader's kartleggingsskjema, saved with optimistic locking (`version`)."""

    class Decision(models.TextChoices):
        UNDECIDED = "", _("Ikke bestemt ennå")
        CONNECT_NOW = "connect_now", _("Familiekontakt kobles på straks")
        MORE_INFORMATION = "more_information", _("Vi må vite mer fra familien først")

    SECTIONS = (
        "family_situation",
        "help_wanted",
        "services_involved",
        "child_voice",
        "family_informed",
        "assessment",
        "decision",
        "more_information",
    )

    inquiry = models.OneToOneField(Inquiry, on_delete=models.CASCADE, related_name="mapping")
    municipality = MunicipalityKey(parent="inquiry")
    family_situation = models.TextField(_("Familiens situasjon"), blank=True)
    help_wanted = models.TextField(_("Hva familien ønsker hjelp til"), blank=True)
    services_involved = models.TextField(_("Tjenester som er inne i dag"), blank=True)
    child_voice = models.TextField(_("Barnets stemme"), blank=True)
    family_informed = models.BooleanField(_("Familien vet om henvendelsen"), default=False)
    assessment = models.TextField(_("Teamleders vurdering"), blank=True)
    decision = models.CharField(
        _("Beslutning"), max_length=16, choices=Decision.choices, blank=True, default=""
    )
    more_information = models.TextField(_("Hva vi må vite mer om"), blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("sist lagret"), default=timezone.now)

    class Meta:
        verbose_name = _("kartleggingsskjema")
        verbose_name_plural = _("kartleggingsskjemaer")

    def __str__(self) -> str:
        return f"Kartlegging {self.inquiry_id} (versjon {self.version})"

    def sections(self) -> dict:
        return {name: getattr(self, name) for name in self.SECTIONS}


class Conversation(ChoiceLabels, models.Model):
    """A conversation with the family, booked by familiehjelpa. A trusted person may come (free
    text: never an employee, never a user); the services the family wants invited are listed,
    and each must be covered by the family's consent."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="conversations")
    municipality = MunicipalityKey(parent="inquiry")
    starts_at = models.DateTimeField(_("tidspunkt"))
    place = models.CharField(_("sted"), max_length=200)
    family_attendees = models.CharField(_("fra familien"), max_length=300)
    trusted_person = models.CharField(_("tillitsperson"), max_length=200, blank=True)
    invited_services = models.ManyToManyField(
        Service, blank=True, related_name="+", verbose_name=_("tjenester som inviteres")
    )
    note = models.TextField(_("merknad"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("samtale")
        verbose_name_plural = _("samtaler")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["inquiry", "starts_at"], name="conversation_inquiry_at")]

    def __str__(self) -> str:
        return f"Samtale {timezone.localtime(self.starts_at):%d.%m.%Y %H:%M}"


class DukenVersion(ChoiceLabels, models.Model):
    """One saved version of DUKEN, filled in with the family in their own words. Every save is a
    new row (`number` 1, 2, …); nothing is ever overwritten."""

    LIFE_AREAS = (
        "work",
        "physical_health",
        "mental_health",
        "economy",
        "school",
        "leisure",
        "volunteering",
        "family",
        "people_around",
        "friends",
        "home",
    )
    REFLECTIONS = ("dreams", "strengths", "difficulties")
    PLAN = (
        "current_situation",
        "now",
        "short_term",
        "short_term_by",
        "long_term",
        "long_term_by",
    )
    HEAD = ("plan_for", "held_on", "present")
    FIELDS = HEAD + LIFE_AREAS + REFLECTIONS + PLAN

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="duken_versions")
    municipality = MunicipalityKey(parent="inquiry")
    number = models.PositiveIntegerField(_("versjon"))
    plan_for = models.CharField(_("Planen til"), max_length=200)
    held_on = models.DateField(_("Dato"))
    present = models.TextField(_("Tilstede"), blank=True)
    work = models.TextField(_("Jobb"), blank=True)
    physical_health = models.TextField(_("Fysisk helse"), blank=True)
    mental_health = models.TextField(_("Psykisk helse"), blank=True)
    economy = models.TextField(_("Økonomi"), blank=True)
    school = models.TextField(_("Skole og utdanning"), blank=True)
    leisure = models.TextField(_("Fritid"), blank=True)
    volunteering = models.TextField(_("Frivillighet"), blank=True)
    family = models.TextField(_("Familie"), blank=True)
    people_around = models.TextField(_("De jeg har rundt meg"), blank=True)
    friends = models.TextField(_("Venner"), blank=True)
    home = models.TextField(_("Hjemme"), blank=True)
    dreams = models.TextField(_("Det jeg/vi drømmer om"), blank=True)
    strengths = models.TextField(_("Det er jeg/vi god på"), blank=True)
    difficulties = models.TextField(_("Det som er vanskelig"), blank=True)
    current_situation = models.TextField(_("Dagens situasjon"), blank=True)
    now = models.TextField(_("Det vi skal gjøre nå"), blank=True)
    short_term = models.TextField(_("På kort sikt"), blank=True)
    short_term_by = models.DateField(_("På kort sikt innen"), null=True, blank=True)
    long_term = models.TextField(_("På lang sikt"), blank=True)
    long_term_by = models.DateField(_("På lang sikt innen"), null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("DUKEN-versjon")
        verbose_name_plural = _("DUKEN-versjoner")
        ordering = ["inquiry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "number"], name="duken_version_once"),
            models.CheckConstraint(
                condition=Q(short_term_by__isnull=True)
                | Q(long_term_by__isnull=True)
                | Q(long_term_by__gte=models.F("short_term_by")),
                name="duken_long_after_short",
                violation_error_message=_("Lang sikt kan ikke være før kort sikt."),
            ),
        ]

    def __str__(self) -> str:
        return f"DUKEN versjon {self.number}"

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


class ChildTeamItem(ChoiceLabels, models.Model):
    """A border case (grensesak) on the barneteam's agenda, and the team's decision: which
    service has the follow-up responsibility, why, and what the child thinks.

    The barneteam meeting itself is the case's `Meeting` of kind barneteam."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="child_team_items")
    municipality = MunicipalityKey(parent="inquiry")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    meeting = models.OneToOneField(
        "cases.Meeting", on_delete=models.PROTECT, related_name="child_team_item"
    )
    question = models.TextField(_("hva barneteamet skal ta stilling til"))
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(default=timezone.now)
    decided_service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tjeneste med oppfølgingsansvar"),
    )
    decision_reason = models.TextField(_("begrunnelse"), blank=True)
    child_view = models.TextField(_("barnets syn"), blank=True)
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilbudt oppfølgingsansvaret"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("sak i barneteamet")
        verbose_name_plural = _("saker i barneteamet")
        ordering = ["referred_at", "id"]

    def __str__(self) -> str:
        return f"Barneteam: sak {self.case_id}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class AdviceCall(ChoiceLabels, models.Model):
    """A call to the drøftingstelefon: an employee asks for advice, often anonymously.

    Anonymous by construction: there is no field for a name, a phone number, an address, a
    child or a case, so none can be stored. Counted per month for the team leader."""

    class Topic(models.TextChoices):
        WELLBEING = "wellbeing", _("Trivsel og psykisk helse")
        ATTENDANCE = "attendance", _("Skolefravær")
        DEVELOPMENT = "development", _("Utvikling og læring")
        PARENTING = "parenting", _("Foreldrerollen og samspill")
        FAMILY = "family", _("Familiens situasjon (økonomi, bolig, samliv)")
        SUBSTANCE = "substance", _("Rus")
        VIOLENCE = "violence", _("Vold eller overgrep")
        SERVICES = "services", _("Hvilken tjeneste kan hjelpe")
        OTHER = "other", _("Annet")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    municipality = MunicipalityKey(parent="service")
    received_at = models.DateTimeField(_("mottatt"), default=timezone.now)
    channel = models.CharField(
        _("kanal"),
        max_length=12,
        choices=[c for c in Inquiry.Channel.choices if c[0] != Inquiry.Channel.BTS],
    )
    # The kind of service the caller works in (a school, a kindergarten …), never which one.
    caller_kind = models.CharField(
        _("den som ringte jobber i"), max_length=32, choices=Service.Kind.choices, blank=True
    )
    topics = ArrayField(
        models.CharField(max_length=16, choices=Topic.choices),
        verbose_name=_("tema"),
        default=list,
    )
    advice = models.TextField(_("hva ble drøftet, og råd"), blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("drøftingssamtale")
        verbose_name_plural = _("drøftingssamtaler")
        indexes = [models.Index(fields=["service", "received_at"], name="advicecall_service_at")]

    def __str__(self) -> str:
        return f"Drøfting {timezone.localtime(self.received_at):%d.%m.%Y}"

    def get_topic_labels(self) -> list[str]:
        labels = dict(self.Topic.choices)
        return [labels.get(t, t) for t in self.topics]
