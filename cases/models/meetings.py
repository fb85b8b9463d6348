"""Meetings in the case and their minutes (referat)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Service
from levels.selectors import meeting_kind_name
from levels.words import word_lazy

from .case import Case


class Meeting(ChoiceLabels, models.Model):
    """A meeting in the case. Guardians and the child are invited, never summoned."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="meetings")
    municipality = MunicipalityKey(parent="case")
    # A meeting kind of the guide (levels.MeetingKind.code); its name comes from the guide.
    kind = models.CharField(_("type møte"), max_length=40)
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
        return f"{self.kind_label} {when:%d.%m.%Y}"

    @property
    def kind_label(self) -> str:
        """The kind's name in the guide in use (the code, if a later guide dropped the kind)."""
        return meeting_kind_name(self.kind)

    def get_kind_display(self) -> str:
        return self.kind_label

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
    municipality = MunicipalityKey(parent="meeting")
    present = models.TextField(_("Til stede"), blank=True)
    child_voice = models.TextField(_("Barnets stemme"), blank=True)
    concern = models.TextField(
        format_lazy(_("{Concern}/problemet"), Concern=word_lazy("Concern_definite")), blank=True
    )
    shared_understanding = models.TextField(_("Felles forståelse"), blank=True)
    measures_agreed = models.TextField(_("Tiltak som ble avtalt"), blank=True)
    responsibilities = models.TextField(_("Ansvarsfordeling"), blank=True)
    time_frame = models.TextField(_("Tidsramme"), blank=True)
    effect_judgement = models.TextField(_("Hvordan effekten skal vurderes"), blank=True)
    next_meeting = models.TextField(_("Neste møte"), blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=0)
    # The holder shares the referat with the family when it is ready: from then on the family's
    # page offers it as a PDF (its latest version).
    shared_with_family_at = models.DateTimeField(_("delt med familien"), null=True, blank=True)
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


class MeetingAnswer(ChoiceLabels, models.Model):
    """A family's answer to a meeting in their case: they come, or they ask for another time.
    Each answer is kept; a person's last one is what stands."""

    class Answer(models.TextChoices):
        COMING = "coming", _("Vi kommer")
        ANOTHER_TIME = "another_time", _("Vi ber om et annet tidspunkt")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="family_answers")
    municipality = MunicipalityKey(parent="meeting")
    by_family = models.CharField(_("fra"), max_length=120)
    answer = models.CharField(_("svar"), max_length=16, choices=Answer.choices)
    message = models.TextField(_("når det passer bedre"), blank=True)
    answered_at = models.DateTimeField(_("svart"), default=timezone.now)
    idempotency_key = models.UUIDField(unique=True, null=True, editable=False)

    class Meta:
        verbose_name = _("svar på møte")
        verbose_name_plural = _("svar på møter")
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.by_family}: {self.get_answer_display()}"
