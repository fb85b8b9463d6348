from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.models import Municipality


class LanguageForm(models.TextChoices):
    BOKMAL = "nb", _("bokmål")
    NYNORSK = "nn", _("nynorsk")


class Guide(ChoiceLabels, models.Model):
    """A municipality's handlingsveileder, loaded from fixtures/veiledere/<slug>.toml."""

    class Model(models.TextChoices):
        BTS = "BTS", _("BTS – bedre tverrfaglig samarbeid")
        BTI = "BTI", _("BTI – bedre tverrfaglig innsats")

    slug = models.SlugField(_("kortnavn"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="guides", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=200)
    model = models.CharField(_("modell"), max_length=3, choices=Model.choices)
    # The municipality's language form: the UI, e-mails and PDFs of its cases use it.
    language = models.CharField(
        _("målform"), max_length=2, choices=LanguageForm.choices, default=LanguageForm.BOKMAL
    )
    # The guide's own words, shown wherever the product or the concern is named.
    product_name = models.CharField(_("produktnavn"), max_length=30, default="BTS")
    product_long_name = models.CharField(
        _("produktnavn, langt"), max_length=120, default="bedre tverrfaglig samarbeid"
    )
    concern_word = models.CharField(_("ordet for undringen"), max_length=40, default="undring")
    concern_word_definite = models.CharField(
        _("ordet for undringen, bestemt form"), max_length=40, default="undringen"
    )
    concern_word_plural = models.CharField(
        _("ordet for undringen, flertall"), max_length=40, default="undringer"
    )
    concern_word_compound = models.CharField(
        _("ordet for undringen i sammensetninger"), max_length=40, default="undrings"
    )
    # From this level on the case is collaboration with other services: it may move there only
    # with at least one other service taking part under an active consent.
    collaboration_from_level = models.PositiveSmallIntegerField(
        _("samarbeid med andre tjenester fra nivå"), default=2
    )
    source = models.CharField(_("kilde"), max_length=300, blank=True)
    introduction = models.TextField(_("innledning"), blank=True)
    acute_title = models.CharField(_("akutt – overskrift"), max_length=200)
    acute_text = models.TextField(_("akutt – tekst"))
    # The municipality's deadlines (days): the nivå 0 decision after the undring (Tromsø/BTI
    # practice: 14), and the first follow-up meeting after measures start (Vestby: 2–4 weeks).
    level0_decision_days = models.PositiveSmallIntegerField(
        _("frist for beslutning på nivå 0"), default=14
    )
    follow_up_min_days = models.PositiveSmallIntegerField(_("oppfølgingsmøte tidligst"), default=14)
    follow_up_max_days = models.PositiveSmallIntegerField(_("oppfølgingsmøte senest"), default=28)
    # "Bekymring i skuffen": an open case with no activity for this many days is shown to its
    # service's leader.
    inactive_days = models.PositiveSmallIntegerField(_("dager uten aktivitet"), default=30)
    # Consent by age, the municipality's choice (15 and 16 are both in use): from these ages the
    # child consents too (health information has its own age), and from this age is heard.
    child_consent_age = models.PositiveSmallIntegerField(
        _("barnet samtykker fra alder"), default=15
    )
    child_consent_age_health = models.PositiveSmallIntegerField(
        _("barnet samtykker til helseopplysninger fra alder"), default=16
    )
    child_heard_age = models.PositiveSmallIntegerField(_("barnet høres fra alder"), default=7)
    # One guide serves each municipality at a time; loading a file makes it the active one.
    is_active = models.BooleanField(_("i bruk"), default=False)
    file_sha256 = models.CharField(_("filens SHA-256"), max_length=64, editable=False)
    loaded_at = models.DateTimeField(_("lastet inn"), auto_now=True)

    class Meta:
        verbose_name = _("handlingsveileder")
        verbose_name_plural = _("handlingsveiledere")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(is_active=True), name="guide_one_active"
            ),
            models.UniqueConstraint(fields=["municipality", "slug"], name="guide_unique_slug"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.name}"


class AcuteContact(ChoiceLabels, models.Model):
    """A number to call when a child may be in danger (barnevern, vakttelefon, politi)."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="acute_contacts")
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    name = models.CharField(_("navn"), max_length=120)
    phone = models.CharField(_("telefon"), max_length=32)
    hours = models.CharField(_("åpningstid"), max_length=120, blank=True)
    note = models.CharField(_("merknad"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("akuttkontakt")
        verbose_name_plural = _("akuttkontakter")
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "position"], name="acutecontact_position")
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.phone}"

    @property
    def phone_uri(self) -> str:
        return "tel:" + "".join(c for c in self.phone if c.isdigit() or c == "+")


class Level(ChoiceLabels, models.Model):
    class DecidedBy(models.TextChoices):
        HOLDER = "holder", _("Oppfølgingsansvarlig")
        HOLDER_WITH_LEADER = "holder_with_leader", _("Oppfølgingsansvarlig sammen med leder")
        LEADER = "leader", _("Leder")

    class Colour(models.TextChoices):
        GREEN = "green", _("Grønn")
        YELLOW = "yellow", _("Gul")
        ORANGE = "orange", _("Oransje")
        RED = "red", _("Rød")

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="levels")
    number = models.PositiveSmallIntegerField(_("nivå"))
    title = models.CharField(_("tittel"), max_length=200)
    summary = models.TextField(_("kort beskrivelse"))
    description = models.TextField(_("beskrivelse"), blank=True)
    colour = models.CharField(_("farge"), max_length=8, choices=Colour.choices)
    # The level's decision (at its decision step): the levels it may move the case to (its own
    # number: continue), whether it may close the case, the step "continue" goes back to, the
    # closing steps a close passes through, and who takes it.
    to_levels = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("kan gå til nivå"), default=list
    )
    may_close = models.BooleanField(_("kan avslutte saken"), default=True)
    continue_step = models.CharField(_("fortsett på trinn"), max_length=8, blank=True)
    closing_steps = ArrayField(
        models.CharField(max_length=8), verbose_name=_("avslutningstrinn"), default=list, blank=True
    )
    decided_by = models.CharField(
        _("hvem beslutter"), max_length=20, choices=DecidedBy.choices, default=DecidedBy.HOLDER
    )
    # What the guide requires at this level besides the steps (levels.requirements.LEVEL).
    requires = ArrayField(
        models.CharField(max_length=30), verbose_name=_("krav på nivået"), default=list, blank=True
    )

    class Meta:
        verbose_name = _("nivå")
        verbose_name_plural = _("nivåer")
        ordering = ["guide", "number"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "number"], name="level_number_per_guide")
        ]

    def __str__(self) -> str:
        return f"Nivå {self.number} – {self.title}"


class Step(ChoiceLabels, models.Model):
    """A trinn of a level, e.g. 1.2, with the guide's advice for that situation."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="steps")
    code = models.CharField(_("kode"), max_length=8)
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    title = models.CharField(_("tittel"), max_length=200)
    situation = models.TextField(_("situasjon"), blank=True)
    what_to_do = models.TextField(_("hva gjør du, og hvordan"))
    responsible = models.TextField(_("hvem har ansvar"))
    tools = ArrayField(
        models.CharField(max_length=200), verbose_name=_("verktøy"), default=list, blank=True
    )
    guidance = ArrayField(
        models.CharField(max_length=200), verbose_name=_("veiledninger"), default=list, blank=True
    )
    checklist = ArrayField(
        models.CharField(max_length=200), verbose_name=_("sjekkliste"), default=list, blank=True
    )
    is_decision = models.BooleanField(_("beslutningspunkt"), default=False)
    # What must be done before the step is done (levels.requirements.STEP), and the kind of
    # meeting the step calls for (the default kind of a meeting booked at it).
    requires = ArrayField(
        models.CharField(max_length=30), verbose_name=_("krav"), default=list, blank=True
    )
    meeting_kind = models.CharField(_("møtetype"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("trinn")
        verbose_name_plural = _("trinn")
        ordering = ["level__number", "position"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code"], name="step_code_per_level"),
            models.UniqueConstraint(fields=["level", "position"], name="step_position_per_level"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def checklist_items(self) -> list[str]:
        """What to tick off at this step: the guide's checklist, else the bullets of what to do."""
        if self.checklist:
            return list(self.checklist)
        lines = (line.strip() for line in self.what_to_do.splitlines())
        return [line[2:].strip() for line in lines if line.startswith(("- ", "• "))]


class MeetingKind(ChoiceLabels, models.Model):
    """A kind of meeting the guide knows (samarbeidsmøte, nettverksmøte …), where it belongs."""

    class Purpose(models.TextChoices):
        NONE = "", _("Ingen")
        CHILD_TEAM = "child_team", _("Barneteam (familiehjelpa)")

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="meeting_kinds")
    code = models.SlugField(_("kode"), max_length=40)
    position = models.PositiveSmallIntegerField(_("rekkefølge"))
    name = models.CharField(_("navn"), max_length=120)
    # Where it may be booked: these levels and steps (both empty: everywhere).
    levels = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("nivåer"), default=list, blank=True
    )
    steps = ArrayField(
        models.CharField(max_length=8), verbose_name=_("trinn"), default=list, blank=True
    )
    invite_family = models.BooleanField(_("barnet og foresatte inviteres"), default=True)
    purpose = models.CharField(
        _("bruk"), max_length=20, choices=Purpose.choices, default=Purpose.NONE, blank=True
    )

    class Meta:
        verbose_name = _("møtetype")
        verbose_name_plural = _("møtetyper")
        ordering = ["guide", "position"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "code"], name="meetingkind_code_per_guide")
        ]

    def __str__(self) -> str:
        return self.name

    def fits(self, level: int, step_code: str) -> bool:
        if not self.levels and not self.steps:
            return True
        return level in self.levels or step_code in self.steps
