"""Who holds and follows the case: handover, coordination, watch, nivå 3's offers,
and the per-case grants that follow from taking part."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Service

from .case import Case


class Handover(ChoiceLabels, models.Model):
    """Responsibility offered to another employee; it moves only when they accept."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Tilbudt")
        ACCEPTED = "accepted", _("Akseptert")
        DECLINED = "declined", _("Avslått")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    municipality = MunicipalityKey(parent="case")
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
    municipality = MunicipalityKey(parent="case")
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
    municipality = MunicipalityKey(parent="case")
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
    municipality = MunicipalityKey(parent="case")
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


class CaseUserGrant(UserObjectPermissionBase):
    """A per-case grant (django-guardian, direct foreign key): this user takes part in the case.

    Written and removed by `cases.grants` in the transaction of the event that changes the
    person's part. Never read alone: `visible_cases` also requires that the person's service
    is in the case now (consent, membership), which can end without any event (expiry).
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")
    municipality = MunicipalityKey(parent="content_object")

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("tilgang til sak (person)")
        verbose_name_plural = _("tilganger til saker (personer)")
        indexes = [models.Index(fields=["content_object", "user"], name="caseusergrant_case_user")]


class CaseGroupGrant(GroupObjectPermissionBase):
    """Guardian's group grants on cases, in a table of their own: a case is never in guardian's
    generic tables. BTS grants to persons, not groups; this table stays empty."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    municipality = MunicipalityKey(parent="content_object")

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("tilgang til sak (gruppe)")
        verbose_name_plural = _("tilganger til saker (grupper)")
