"""The verktøykasse (tools and their guidance), the tiltaksoversikt (the municipality's services
and measures, imported from its spreadsheet) and the contact directory."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, RegexValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.models import Municipality
from bts.tomlfile import PHONE_RE

# The traffic light of the BTS pyramid: nivå 0 green for everyone up to nivå 3 red.
LEVEL_COLOURS = {0: "green", 1: "yellow", 2: "orange", 3: "red"}
MAX_AGE = 24  # the model covers pregnancy and children and young people up to 24


class Toolbox(ChoiceLabels, models.Model):
    """A municipality's verktøykasse, loaded from fixtures/verktoy/<slug>.toml. One per
    municipality: loading a file for it replaces it."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    slug = models.SlugField(_("kortnavn"))
    # The municipality's name as the file writes it (shown on the toolbox page).
    municipality_name = models.CharField(_("kommunens navn i filen"), max_length=120)
    name = models.CharField(_("navn"), max_length=200)
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    introduction = models.TextField(_("innledning"), blank=True)
    # Names the guide uses for the tiltaksoversikt and the contact list ("Tiltaksoversikt",
    # "Kontaktliste hjelpetjenester"), so the step pages link them too.
    catalogue_aliases = ArrayField(
        models.CharField(max_length=200), verbose_name=_("navn på tiltaksoversikten"), default=list
    )
    contacts_aliases = ArrayField(
        models.CharField(max_length=200), verbose_name=_("navn på kontaktlista"), default=list
    )
    file_sha256 = models.CharField(_("filens SHA-256"), max_length=64, editable=False)
    loaded_at = models.DateTimeField(_("lastet inn"), auto_now=True)

    class Meta:
        verbose_name = _("verktøykasse")
        verbose_name_plural = _("verktøykasser")

    def __str__(self) -> str:
        return f"{self.municipality_name}: {self.name}"


class ToolGroup(ChoiceLabels, models.Model):
    """A heading on the toolbox page, e.g. "Samtaler og møter"."""

    toolbox = models.ForeignKey(Toolbox, on_delete=models.CASCADE, related_name="groups")
    key = models.SlugField(_("nøkkel"))
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    title = models.CharField(_("tittel"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)

    class Meta:
        verbose_name = _("gruppe av verktøy")
        verbose_name_plural = _("grupper av verktøy")
        ordering = ["toolbox", "position"]
        constraints = [
            models.UniqueConstraint(fields=["toolbox", "key"], name="toolgroup_key"),
            models.UniqueConstraint(fields=["toolbox", "position"], name="toolgroup_position"),
        ]

    def __str__(self) -> str:
        return self.title


@dataclass(frozen=True)
class ScaleStep:
    """One step of a worry scale: the value a form stores, its label and what it means."""

    value: int
    label: str
    description: str


@dataclass(frozen=True)
class FactorGroup:
    """A list of risk or protective factors under one heading."""

    kind: str  # "risk" | "protective"
    title: str
    items: tuple[str, ...]

    @property
    def is_risk(self) -> bool:
        return self.kind == "risk"


class Tool(ChoiceLabels, models.Model):
    """One tool of the toolbox with its guidance page.

    Its text and structured content (the sections, a worry scale's steps, a checklist's factor
    lists) are loaded from the toolbox file and kept on the row as validated JSON: they are read
    whole, never queried into, and never edited outside the file."""

    toolbox = models.ForeignKey(Toolbox, on_delete=models.CASCADE, related_name="tools")
    group = models.ForeignKey(ToolGroup, on_delete=models.CASCADE, related_name="tools")
    slug = models.SlugField(_("kortnavn"))
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("tittel"), max_length=200)
    summary = models.TextField(_("kort beskrivelse"))
    levels = ArrayField(models.PositiveSmallIntegerField(), verbose_name=_("nivåer"))
    # The names the guide files use for this tool in their steps' tools and guidance lists.
    aliases = ArrayField(
        models.CharField(max_length=200), verbose_name=_("andre navn"), default=list, blank=True
    )
    sections = models.JSONField(_("avsnitt"), default=list)  # [{"heading", "text"}]
    scale = models.JSONField(_("skala"), default=list)  # [{"value", "label", "description"}]
    factors = models.JSONField(_("faktorer"), default=list)  # [{"kind", "group", "items"}]

    class Meta:
        verbose_name = _("verktøy")
        verbose_name_plural = _("verktøy")
        ordering = ["toolbox", "number"]
        constraints = [
            models.UniqueConstraint(fields=["toolbox", "slug"], name="tool_slug"),
            models.UniqueConstraint(fields=["toolbox", "number"], name="tool_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def level_colours(self) -> list[tuple[int, str]]:
        return [(level, LEVEL_COLOURS[level]) for level in self.levels]

    @property
    def scale_steps(self) -> list[ScaleStep]:
        return [ScaleStep(s["value"], s["label"], s["description"]) for s in self.scale]

    @property
    def factor_groups(self) -> list[FactorGroup]:
        return [FactorGroup(f["kind"], f["group"], tuple(f["items"])) for f in self.factors]


class Level(models.IntegerChoices):
    """The traffic-light level of a service in the catalogue, as in the BTS pyramid."""

    GREEN = 0, _("Nivå 0 – grønn: for alle")
    YELLOW = 1, _("Nivå 1 – gul: i egen tjeneste")
    ORANGE = 2, _("Nivå 2 – oransje: samarbeid med andre tjenester")
    RED = 3, _("Nivå 3 – rød: bredt tverrfaglig samarbeid")


class CatalogueEntry(ChoiceLabels, models.Model):
    """A service or measure in the tiltaksoversikt. Matched on import by `key` (the «ID» column);
    rows no longer in the spreadsheet are deactivated, never deleted."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    key = models.CharField(_("ID"), max_length=50)
    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    level = models.PositiveSmallIntegerField(_("nivå"), choices=Level.choices)
    age_from = models.PositiveSmallIntegerField(
        _("alder fra"), null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("alder til"), null=True, blank=True, validators=[MaxValueValidator(MAX_AGE)]
    )
    provider = models.CharField(_("tilbys av"), max_length=200, blank=True)
    contact = models.TextField(_("kontakt"), max_length=500, blank=True)
    # None: the spreadsheet does not say.
    referral_required = models.BooleanField(_("krever henvisning"), null=True, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    changed_at = models.DateTimeField(_("sist endret"), auto_now=True)

    class Meta:
        verbose_name = _("tiltak i tiltaksoversikten")
        verbose_name_plural = _("tiltaksoversikt")
        ordering = ["level", "name", "key"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "key"], name="catalogueentry_key"),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=3),
                name="catalogueentry_level",
                violation_error_message=_("Nivået må være 0, 1, 2 eller 3."),
            ),
            models.CheckConstraint(
                condition=(Q(age_from__isnull=True) | Q(age_from__lte=MAX_AGE))
                & (Q(age_to__isnull=True) | Q(age_to__lte=MAX_AGE)),
                name="catalogueentry_age_range",
                violation_error_message=_("Alder må være mellom 0 og 24."),
            ),
            models.CheckConstraint(
                condition=Q(age_from__isnull=True)
                | Q(age_to__isnull=True)
                | Q(age_from__lte=models.F("age_to")),
                name="catalogueentry_age_order",
                violation_error_message=_("«Alder fra» kan ikke være høyere enn «alder til»."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def colour(self) -> str:
        return LEVEL_COLOURS[self.level]


class CatalogueImport(ChoiceLabels, models.Model):
    """An uploaded spreadsheet, parsed and waiting for the administrator to confirm its
    preview, or applied. The parsed rows are kept here (not the file), keyed by the file's
    SHA-256; applying one twice is refused."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter på bekreftelse")
        APPLIED = "applied", _("Importert")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    file_name = models.CharField(_("filnavn"), max_length=200)
    file_sha256 = models.CharField(_("filens SHA-256"), max_length=64)
    sheet = models.CharField(_("ark"), max_length=100)
    rows = models.JSONField(_("rader"))
    ignored_columns = models.JSONField(_("kolonner som ikke brukes"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    applied_at = models.DateTimeField(_("importert"), null=True)
    created_count = models.PositiveIntegerField(_("nye"), default=0)
    changed_count = models.PositiveIntegerField(_("endret"), default=0)
    deactivated_count = models.PositiveIntegerField(_("deaktivert"), default=0)

    class Meta:
        verbose_name = _("import av tiltaksoversikt")
        verbose_name_plural = _("importer av tiltaksoversikt")
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "file_sha256"],
                condition=Q(status="pending"),
                name="catalogueimport_one_pending_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


phone_validator = RegexValidator(
    PHONE_RE, _("Telefonnummeret kan bare ha sifre, mellomrom og +, f.eks. «476 63 707».")
)


class Contact(ChoiceLabels, models.Model):
    """A number or address employees need at hand: familiehjelpa, barnevern, police …"""

    class Category(models.TextChoices):
        EMERGENCY = "emergency", _("Nødnumre")
        CHILD_PROTECTION = "child_protection", _("Barnevern")
        FAMILIEHJELPA = "familiehjelpa", _("Familiehjelpa")
        POLICE = "police", _("Politi")
        HEALTH = "health", _("Helse")
        OTHER = "other", _("Andre hjelpetjenester")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    category = models.CharField(_("gruppe"), max_length=32, choices=Category.choices)
    name = models.CharField(_("navn"), max_length=120)
    phone = models.CharField(_("telefon"), max_length=32, blank=True, validators=[phone_validator])
    hours = models.CharField(_("åpningstid"), max_length=120, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    web = models.URLField(
        _("nettside"), blank=True, validators=[URLValidator(schemes=["http", "https"])]
    )
    note = models.CharField(_("merknad"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)
    is_active = models.BooleanField(_("vises"), default=True)

    class Meta:
        verbose_name = _("kontakt")
        verbose_name_plural = _("kontakter")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", email="", web=""),
                name="contact_reachable",
                violation_error_message=_("Fyll ut minst ett av telefon, e-post og nettside."),
            ),
            models.UniqueConstraint(
                fields=["municipality", "category", "name", "phone"], name="contact_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_uri(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")
