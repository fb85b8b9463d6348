from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels


class User(AbstractUser):
    """An employee or municipal user. Set from the start: the user model cannot change later."""

    job_title = models.CharField(_("stilling"), max_length=120, blank=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    # Demo accounts share a known password; they are refused whenever DEBUG is off (bts.auth).
    is_demo = models.BooleanField(_("demokonto"), default=False, editable=False)

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Service(ChoiceLabels, models.Model):
    """A tjeneste/virksomhet: a unit that holds cases and takes part in collaboration."""

    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Barnehage")
        SCHOOL = "school", _("Skole")
        HEALTH_STATION = "health_station", _("Helsestasjon og skolehelsetjeneste")
        PPT = "ppt", _("PP-tjenesten")
        CHILD_PROTECTION = "child_protection", _("Barnevern")
        NAV = "nav", _("NAV")
        FAMILIEHJELPA = "familiehjelpa", _("Familiehjelpa")
        ADULT_SERVICE = "adult_service", _("Voksentjeneste")
        EXTERNAL = "external", _("Ekstern instans")

    class Provider(models.TextChoices):
        PUBLIC = "public", _("Offentlig")
        PRIVATE = "private", _("Privat")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    # Private kindergartens and schools are a separate trust boundary (duty of confidentiality).
    provider = models.CharField(
        _("eierform"), max_length=16, choices=Provider.choices, default=Provider.PUBLIC
    )
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("tjeneste")
        verbose_name_plural = _("tjenester")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Ansatt")
    LEADER = "leader", _("Leder")
    FAMILY_CONTACT = "family_contact", _("Familiekontakt")
    FAMILIEHJELPA_LEADER = "familiehjelpa_leader", _("Teamleder familiehjelpa")
    CHILD_COORDINATOR = "child_coordinator", _("Barnekoordinator")
    MUNICIPAL_LEADER = "municipal_leader", _("Kommunalsjef")
    SYSTEM_ADMIN = "system_admin", _("Systemadministrator")


# A sorted tuple, not a set: the check constraint below must serialise the same way every run.
MUNICIPAL_ROLES = tuple(sorted([Role.MUNICIPAL_LEADER, Role.SYSTEM_ADMIN]))


class Membership(ChoiceLabels, models.Model):
    """A user's role in a service, or a municipal role (which belongs to no service)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("bruker")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("tjeneste"),
    )
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("gyldig fra"), null=True, blank=True)
    valid_to = models.DateField(_("gyldig til"), null=True, blank=True)

    class Meta:
        verbose_name = _("rolle i tjeneste")
        verbose_name_plural = _("roller i tjenester")
        ordering = ["user", "service__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=MUNICIPAL_ROLES, service__isnull=True)
                    | (~Q(role__in=MUNICIPAL_ROLES) & Q(service__isnull=False))
                ),
                name="membership_service_matches_role",
                violation_error_message=_(
                    "Kommunale roller har ingen tjeneste; alle andre roller må ha en tjeneste."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "service", "role"],
                name="membership_unique_per_service",
                nulls_distinct=False,
                violation_error_message=_("Brukeren har allerede denne rollen i tjenesten."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_period",
                violation_error_message=_("«Gyldig til» kan ikke være før «gyldig fra»."),
            ),
        ]

    def __str__(self) -> str:
        where = self.service.name if self.service_id else _("kommunen")
        return f"{self.user} – {self.get_role_display()} ({where})"


class AuditEvent(ChoiceLabels, models.Model):
    """Who read or changed what, when, and why. Append-only: the database refuses UPDATE/DELETE.

    It names the case by id only and never holds the case's personal data.
    """

    class Kind(models.TextChoices):
        CASE_VIEWED = "case_viewed", _("Sak lest")
        CASE_CREATED = "case_created", _("Sak opprettet")
        CASE_CHANGED = "case_changed", _("Sak endret")
        CASE_DECIDED = "case_decided", _("Beslutning")
        REPORT_FILED = "report_filed", _("Melding til barnevernet")
        CHILD_SEARCHED = "child_searched", _("Søk etter barn")
        ANONYMOUS_DISCUSSION = "anonymous_discussion", _("Anonym drøfting")
        LOGIN_FAILED = "login_failed", _("Mislykket innlogging")
        ACCESS_REFUSED = "access_refused", _("Tilgang avvist")
        TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("Tofaktor satt opp")
        TWO_FACTOR_FAILED = "two_factor_failed", _("Feil engangskode")
        DOCUMENT_EXPORTED = "document_exported", _("Dokument lastet ned")
        CASE_ARCHIVED = "case_archived", _("Arkivpakke laget")
        CASE_ANONYMISED = "case_anonymised", _("Personopplysninger slettet")
        # Familiehjelpa's inquiries (named by id in `detail`, never by content).
        INQUIRY_CREATED = "inquiry_created", _("Henvendelse registrert")
        INQUIRY_VIEWED = "inquiry_viewed", _("Henvendelse lest")
        INQUIRY_CHANGED = "inquiry_changed", _("Henvendelse endret")
        # A list of cases with the children's names (a leader's list behind a number): one
        # event per page shown, with the list and its filters, no case id.
        CASE_LIST_VIEWED = "case_list_viewed", _("Saksliste lest")

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("hvem")
    )
    role = models.CharField(_("rolle"), max_length=32, blank=True)
    case_id = models.BigIntegerField(_("sak"), null=True, db_index=True)
    kind = models.CharField(_("hendelse"), max_length=32, choices=Kind.choices)
    detail = models.CharField(_("detalj"), max_length=120, blank=True)
    reason = models.CharField(_("begrunnelse"), max_length=300, blank=True)
    request_id = models.CharField(_("forespørsel"), max_length=32, blank=True)
    ip = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("logghendelse")
        verbose_name_plural = _("logghendelser")
        ordering = ["-at"]
        indexes = [models.Index(fields=["case_id", "-at"], name="auditevent_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"


class StoredFile(ChoiceLabels, models.Model):
    """An uploaded document (a signed consent form, a scan), kept in the database.

    In the database rather than on disk: it commits and rolls back with the record it belongs
    to, is backed up with everything else, and no URL of a file server can ever reach it. It
    is served only through a view that checks access and writes an audit event."""

    content = models.BinaryField(_("innhold"))
    content_type = models.CharField(_("filtype"), max_length=40)
    size = models.PositiveIntegerField(_("størrelse"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("lastet opp"), auto_now_add=True)

    class Meta:
        verbose_name = _("fil")
        verbose_name_plural = _("filer")

    def __str__(self) -> str:
        return f"{self.content_type}, {self.size} byte"

    @property
    def extension(self) -> str:
        return {
            "application/pdf": "pdf",
            "image/png": "png",
            "image/jpeg": "jpg",
            "application/zip": "zip",
        }.get(self.content_type, "bin")
