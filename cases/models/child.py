"""The child a case is about, and the guardians who consent on its behalf."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bts.choices import ChoiceLabels
from bts.isolation import MunicipalityKey
from bts.models import Municipality

from ..identity import IdentityKind, mask_identity_number


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
    # The folkeregistrert home municipality: the child's cases belong to it.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("hjemkommune")
    )
    siblings = models.ManyToManyField("self", blank=True, verbose_name=_("søsken"))
    # Strengt fortrolig adresse (folkeregisteret): the child lives where someone must not find
    # it. On the family's page only a guardian under the same protection sees the case.
    address_protected = models.BooleanField(_("strengt fortrolig adresse"), default=False)
    # Where the young person (from the consent age) gets notices, as they confirmed it on
    # their page, and the language they chose there.
    notice_email = models.EmailField(_("e-post for varsler"), blank=True)
    notice_email_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(_("språk"), max_length=8, blank=True)
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
    municipality = MunicipalityKey(parent="child")
    name = models.CharField(_("navn"), max_length=200)
    # Validated like the child's; what a guardian's ID-porten sign-in is matched on. Shown
    # masked, never in a URL or a log line.
    national_id = models.CharField(_("fødselsnummer/D-nummer"), max_length=11, blank=True)
    relation = models.CharField(_("relasjon til barnet"), max_length=60, blank=True)
    # Only guardians with parental responsibility consent on the child's behalf.
    has_parental_responsibility = models.BooleanField(_("har foreldreansvar"), default=True)
    phone = models.CharField(_("telefon"), max_length=32, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    # Strengt fortrolig adresse: the address is shown to no one but the case's holder, never to
    # the other guardian; what concerns it is kept from guardians without the protection.
    address_protected = models.BooleanField(_("strengt fortrolig adresse"), default=False)
    # Notices to the guardian (something new: sign in) go here only once the guardian has
    # confirmed it on the family's page; and in the language chosen there.
    notice_email = models.EmailField(_("e-post for varsler"), blank=True)
    notice_email_confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    language = models.CharField(_("språk"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("foresatt")
        verbose_name_plural = _("foresatte")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["national_id"], name="guardian_national_id", condition=~Q(national_id="")
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_national_id(self) -> str:
        return mask_identity_number(self.national_id) if self.national_id else ""
