from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
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


class Municipality(ChoiceLabels, models.Model):
    """A kommune: its children's cases belong to it and follow its guide, words and language
    form; its leaders see its figures; its local administrator manages what is its own.

    Everything the municipality decides about its process (deadlines, consent ages, contacts,
    words, language form) is in its guide (levels.Guide), loaded from the file it names."""

    number = models.CharField(
        _("kommunenummer"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("Kommunenummeret har fire sifre."))],
    )
    name = models.CharField(_("navn"), max_length=120)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Service(ChoiceLabels, models.Model):
    """A tjeneste/virksomhet: a unit that holds cases and takes part in collaboration.

    It belongs to its host municipality (vertskommune), which employs its staff, and may serve
    others too: an interkommunal barnevern or PPT, or an external body such as BUP."""

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

    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("vertskommune"),
    )
    # The other municipalities whose children it serves; taking one off ends the service's
    # access to that municipality's cases at the next request (cases.access).
    partner_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="shared_services",
        verbose_name=_("tjener også"),
    )
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
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"],
                name="service_unique_name_per_municipality",
                violation_error_message=_("Kommunen har allerede en tjeneste med dette navnet."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EMPLOYEE = "employee", _("Ansatt")
    LEADER = "leader", _("Leder")
    FAMILY_CONTACT = "family_contact", _("Familiekontakt")
    FAMILIEHJELPA_LEADER = "familiehjelpa_leader", _("Teamleder familiehjelpa")
    CHILD_COORDINATOR = "child_coordinator", _("Barnekoordinator")
    MUNICIPAL_LEADER = "municipal_leader", _("Kommunalsjef")
    LOCAL_ADMIN = "local_admin", _("Lokal administrator")
    SYSTEM_ADMIN = "system_admin", _("Systemadministrator")


# Sorted tuples, not sets: the check constraint below must serialise the same way every run.
# Roles of a municipality, not of a service:
MUNICIPALITY_ROLES = tuple(sorted([Role.LOCAL_ADMIN, Role.MUNICIPAL_LEADER]))
# Roles in no service (the system administrator's is the installation's, of no municipality):
MUNICIPAL_ROLES = tuple(sorted([*MUNICIPALITY_ROLES, Role.SYSTEM_ADMIN]))


class Membership(ChoiceLabels, models.Model):
    """A user's role in a service, a municipality's role (municipal leader, local
    administrator), or the installation's (system administrator). Staff may have memberships
    in services of several municipalities."""

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
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("kommune"),
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
            models.CheckConstraint(
                condition=(
                    Q(role__in=MUNICIPALITY_ROLES, municipality__isnull=False)
                    | (~Q(role__in=MUNICIPALITY_ROLES) & Q(municipality__isnull=True))
                ),
                name="membership_municipality_matches_role",
                violation_error_message=_(
                    "Kommunalsjef og lokal administrator hører til én kommune; "
                    "andre roller hører til en tjeneste eller hele installasjonen."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "service", "municipality", "role"],
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
        if self.service_id:
            where = self.service.name
        elif self.municipality_id:
            where = self.municipality.name
        else:
            where = _("installasjonen")
        return f"{self.user} – {self.get_role_display()} ({where})"


class AuditEvent(ChoiceLabels, models.Model):
    """Who read or changed what, when, and why. Append-only: the database refuses UPDATE/DELETE.

    It names the case by id only and never holds the case's personal data.
    """

    at = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("hvem")
    )
    role = models.CharField(_("rolle"), max_length=32, blank=True)
    case_id = models.BigIntegerField(_("sak"), null=True, db_index=True)
    # An app-owned name (bts.audit.event_kinds), checked when written: no choices here, so an
    # app's new kind needs no migration of the foundation.
    kind = models.CharField(_("hendelse"), max_length=32)
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

    def get_kind_display(self) -> str:
        from .audit import kind_label

        return kind_label(self.kind)


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
