import re
from pathlib import Path

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
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


# Where an identity provider's client secret may be read: only variables and files meant for
# it, so that no administrator can have another secret of the server's (the signing key, the
# database's password) sent to a token endpoint they choose.
SECRET_ENV_NAME = re.compile(r"^BTS_OIDC_[A-Z0-9_]+$")


def secret_location(value: str) -> tuple[str, str] | None:
    """("env", NAME) or ("file", PATH) for a valid `client_secret` field; else None. A file
    must be in settings.BTS_OIDC_SECRETS_DIR."""
    from django.conf import settings

    kind, _sep, where = value.partition(":")
    if kind == "env" and SECRET_ENV_NAME.fullmatch(where):
        return kind, where
    if kind == "file" and where:
        folder = Path(settings.BTS_OIDC_SECRETS_DIR).resolve()
        path = Path(where).resolve()
        if path.is_relative_to(folder) and path != folder:
            return kind, str(path)
    return None


def validate_secret_source(value: str) -> None:
    if secret_location(value) is None:
        raise ValidationError(
            _(
                "Skriv hvor hemmeligheten ligger: env:BTS_OIDC_NAVN (en miljøvariabel som "
                "begynner med BTS_OIDC_) eller file: og en fil i mappen for hemmeligheter."
            )
        )


class IdentityProviderQuerySet(models.QuerySet):
    def in_use(self, audience: str) -> "IdentityProviderQuerySet":
        """The providers people of `audience` sign in through: active, of active
        municipalities."""
        return self.filter(
            audience=audience, is_active=True, municipality__is_active=True
        ).select_related("municipality")


class IdentityProvider(ChoiceLabels, models.Model):
    """Where a municipality's people sign in over OpenID Connect (bts.oidc): its staff's own
    identity provider (Microsoft Entra ID, Ansattporten), and ID-porten for its families.

    The client secret is never stored here: `client_secret` says where to read it, from the
    environment or a file the installation provides (a mounted secret)."""

    class Audience(models.TextChoices):
        STAFF = "staff", _("Ansatte")
        FAMILY = "family", _("Familier (ID-porten)")

    class Assurance(models.TextChoices):
        SUBSTANTIAL = "idporten-loa-substantial", _("Betydelig (MinID og høyere)")
        HIGH = "idporten-loa-high", _("Høyt (BankID, Buypass, Commfides)")

    class TokenAuth(models.TextChoices):
        BASIC = "client_secret_basic", "client_secret_basic"
        POST = "client_secret_post", "client_secret_post"

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="identity_providers",
        verbose_name=_("kommune"),
    )
    audience = models.CharField(_("for hvem"), max_length=16, choices=Audience.choices)
    issuer = models.URLField(
        _("utsteder (issuer)"),
        max_length=300,
        help_text=_("Adressen metadataene ligger under (/.well-known/openid-configuration)."),
    )
    client_id = models.CharField(_("klient-ID"), max_length=200)
    client_secret = models.CharField(
        _("klienthemmelighet, hvor"),
        max_length=300,
        validators=[validate_secret_source],
        help_text=_("env:NAVN eller file:/sti – hemmeligheten selv lagres aldri her."),
    )
    token_auth_method = models.CharField(
        _("klientautentisering"),
        max_length=32,
        choices=TokenAuth.choices,
        default=TokenAuth.BASIC,
    )
    scopes = models.CharField(_("scopes"), max_length=200, default="openid profile email")
    acr_values = models.CharField(
        _("acr_values i forespørselen"),
        max_length=200,
        blank=True,
        help_text=_("For ansatte, hvis leverandøren krever det (Ansattporten: substantial)."),
    )
    subject_claim = models.CharField(
        _("claim som identifiserer personen"),
        max_length=60,
        default="sub",
        help_text=_("Entra ID: oid. Ellers: sub."),
    )
    match_claim = models.CharField(
        _("claim for første innlogging"),
        max_length=60,
        default="preferred_username",
        blank=True,
        help_text=_(
            "Ved første innlogging kobles personen til kontoen med denne e-postadressen eller "
            "dette brukernavnet (Entra ID: preferred_username)."
        ),
    )
    accept_idp_mfa = models.BooleanField(
        _("godta leverandørens tofaktor"),
        default=False,
        help_text=_("Ansatte som har brukt tofaktor hos leverandøren, slipper engangskoden her."),
    )
    mfa_acr_values = models.CharField(
        _("acr som betyr tofaktor"), max_length=200, blank=True, help_text=_("Skilt med mellomrom.")
    )
    mfa_amr_values = models.CharField(
        _("amr som betyr tofaktor"),
        max_length=200,
        blank=True,
        default="mfa",
        help_text=_("Skilt med mellomrom. Entra ID: mfa."),
    )
    assurance = models.CharField(
        _("sikkerhetsnivå for familier"),
        max_length=32,
        choices=Assurance.choices,
        default=Assurance.SUBSTANTIAL,
    )
    allow_password = models.BooleanField(
        _("passord også"),
        default=False,
        help_text=_(
            "Kommunens ansatte kan også logge inn med brukernavn og passord (mens kommunen går "
            "over, eller i demoen). Ellers kommer de bare inn gjennom leverandøren."
        ),
    )
    is_active = models.BooleanField(_("i bruk"), default=True)

    objects = IdentityProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("innloggingstjeneste")
        verbose_name_plural = _("innloggingstjenester")
        ordering = ["municipality__name", "audience"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "audience"], name="identityprovider_one_per_audience"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} – {self.get_audience_display()}"

    def clean(self) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(self.issuer or "")
        # Plain http only for a provider on this machine (the tests' and the demo's).
        if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
            raise ValidationError({"issuer": _("Utstederen må bruke https.")})

    def accepted_acr(self) -> tuple[str, ...]:
        """The ID token's `acr` values that satisfy this provider's demand (families: the
        level set or a higher one)."""
        if self.audience != self.Audience.FAMILY:
            return ()
        if self.assurance == self.Assurance.HIGH:
            return (self.Assurance.HIGH,)
        return (self.Assurance.SUBSTANTIAL, self.Assurance.HIGH)

    def requested_acr(self) -> str:
        return self.assurance if self.audience == self.Audience.FAMILY else self.acr_values

    def idp_gave_second_factor(self, claims: dict) -> bool:
        if not self.accept_idp_mfa:
            return False
        amr = claims.get("amr") or []
        return claims.get("acr") in self.mfa_acr_values.split() or bool(
            set(amr if isinstance(amr, list) else []) & set(self.mfa_amr_values.split())
        )


class ExternalIdentity(models.Model):
    """An account's person at an identity provider: the issuer and the subject it gives them.
    Linked at the first sign-in; from then on the subject alone finds the account."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("bruker")
    )
    issuer = models.CharField(_("utsteder"), max_length=300)
    subject = models.CharField(_("subjekt"), max_length=200)
    linked_at = models.DateTimeField(_("koblet"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("sist innlogget"), null=True, blank=True)

    class Meta:
        verbose_name = _("ekstern identitet")
        verbose_name_plural = _("eksterne identiteter")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="externalidentity_subject"),
            models.UniqueConstraint(
                fields=["user", "issuer"], name="externalidentity_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.issuer}"
