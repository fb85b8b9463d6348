from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import refuse
from .models import (
    ExternalIdentity,
    IdentityProvider,
    Membership,
    Municipality,
    Role,
    Service,
    User,
)
from .selectors import user_memberships


def administered_municipalities(request) -> list[int] | None:
    """The municipalities the person administers: None for the installation's administrator
    (all), else those of their local administrator roles."""
    memberships = user_memberships(request.user)
    if request.user.is_superuser or any(m.role == Role.SYSTEM_ADMIN for m in memberships):
        return None
    return [m.municipality_id for m in memberships if m.role == Role.LOCAL_ADMIN]


class MunicipalityScoped:
    """A ModelAdmin a local administrator uses for their own municipality: lists, choices and
    objects are theirs only, and another municipality's object reached by its id is a 404,
    noted as a refused attempt."""

    # The lookups from the model to a municipality: an object is the administrator's when one
    # of them is one of theirs.
    municipality_paths: tuple[str, ...] = ()

    def scope(self, ids: list[int]) -> Q:
        q = Q(pk__in=[])
        for path in self.municipality_paths:
            q |= Q(**{f"{path}__in": ids})
        return q

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        ids = administered_municipalities(request)
        return rows if ids is None else rows.filter(self.scope(ids)).distinct()

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and administered_municipalities(request) is not None:
            refuse(detail=f"admin:{self.model._meta.model_name}")
            raise Http404
        return found

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = administered_municipalities(request)
        if ids is not None and db_field.related_model is Municipality:
            kwargs["queryset"] = Municipality.objects.filter(pk__in=ids)
        elif ids is not None and db_field.related_model is Service:
            kwargs["queryset"] = Service.objects.filter(municipality__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        # A local administrator gives the roles of their municipality, not the installation's.
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and administered_municipalities(request) is not None:
            field.choices = [c for c in field.choices if c[0] != Role.SYSTEM_ADMIN]
        return field


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    fields = ["number", "name", "is_active"]
    list_display = ["number", "name", "is_active"]
    search_fields = ["number", "name"]


@admin.register(IdentityProvider)
class IdentityProviderAdmin(admin.ModelAdmin):
    fields = [
        "municipality",
        "audience",
        "is_active",
        "issuer",
        "client_id",
        "client_secret",
        "token_auth_method",
        "scopes",
        "acr_values",
        "subject_claim",
        "match_claim",
        "accept_idp_mfa",
        "mfa_acr_values",
        "mfa_amr_values",
        "assurance",
        "allow_password",
    ]
    list_display = ["municipality", "audience", "issuer", "is_active"]
    list_filter = ["audience", "is_active"]
    list_select_related = ["municipality"]


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Who is linked to which identity provider. Deleting a link lets the next sign-in match the
    person again (a person who got a new account at the provider)."""

    fields = ["user", "issuer", "subject", "linked_at", "last_sign_in_at"]
    readonly_fields = fields
    list_display = ["user", "issuer", "linked_at", "last_sign_in_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(MunicipalityScoped, admin.TabularInline):
    model = Membership
    fields = ["service", "municipality", "role", "valid_from", "valid_to"]
    municipality_paths = ("service__municipality", "municipality")

    autocomplete_fields = ["service"]
    extra = 0


@admin.register(User)
class UserAdmin(MunicipalityScoped, DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Arbeid"), {"fields": ["job_title", "phone"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__service"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]

    def scope(self, ids):
        # Their municipality's people, and accounts with no role anywhere yet (a new one);
        # never the installation's administrators.
        return (
            (
                Q(memberships__service__municipality__in=ids)
                | Q(memberships__municipality__in=ids)
                | Q(memberships__isnull=True)
            )
            & ~Q(is_superuser=True)
            & ~Q(memberships__role=Role.SYSTEM_ADMIN)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if administered_municipalities(request) is None:
            return fieldsets
        # A local administrator gives roles, not the admin's own powers.
        return [(name, opts) for name, opts in fieldsets if "is_superuser" not in opts["fields"]]


@admin.register(Service)
class ServiceAdmin(MunicipalityScoped, admin.ModelAdmin):
    fields = [
        "name",
        "kind",
        "provider",
        "municipality",
        "partner_municipalities",
        "phone",
        "email",
        "is_active",
    ]
    list_display = ["name", "municipality", "kind", "provider", "is_active"]
    list_filter = ["municipality", "kind", "provider", "is_active"]
    list_select_related = ["municipality"]
    filter_horizontal = ["partner_municipalities"]
    municipality_paths = ("municipality",)

    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(MunicipalityScoped, admin.ModelAdmin):
    fields = ["user", "service", "municipality", "role", "valid_from", "valid_to"]
    list_display = ["user", "service", "municipality", "role", "valid_from", "valid_to"]
    list_filter = ["role", "municipality", "service"]
    list_select_related = ["user", "service", "municipality"]
    autocomplete_fields = ["user", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]
    municipality_paths = ("service__municipality", "municipality")


# The authenticator's secret never leaves the server: the administrator sees who has one and
# can delete it (a lost phone), after which the user sets up a new one at the next login.
admin.site.unregister(TOTPDevice)


class TOTPDeviceForm(forms.ModelForm):
    class Meta:
        model = TOTPDevice
        fields = []
        # django-otp's help texts are English; the Norwegian names say enough
        # (bts.third_party_labels).
        help_texts = dict.fromkeys(["user", "name", "confirmed", "created_at", "last_used_at"], "")


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
    form = TOTPDeviceForm
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# django-axes' admin, in Norwegian: its models' and fields' names are set in
# bts.third_party_labels; its own headings, filter, action and columns are English, so they are
# named again here. Otherwise the pages are axes' own.
class LockedOutFilter(axes_admin.IsLockedOutFilter):
    title = _("sperret")

    def lookups(self, request, model_admin):
        return (("yes", _("Ja")), ("no", _("Nei")))


def _norwegian_headings(fieldsets):
    titles = {"Form Data": _("Skjemadata"), "Meta Data": _("Metadata")}
    with translation.override(None):  # axes' own message ids, as written
        return tuple((titles.get(str(title), title), options) for title, options in fieldsets)


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(axes_admin.AccessAttemptAdmin):
    list_filter = [
        LockedOutFilter if f is axes_admin.IsLockedOutFilter else f
        for f in axes_admin.AccessAttemptAdmin.list_filter
    ]
    fieldsets = _norwegian_headings(axes_admin.AccessAttemptAdmin.fieldsets)

    @admin.action(description=_("Fjern utløpte forsøk"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(
            request,
            ngettext(
                "%(count)s utløpt forsøk er fjernet.", "%(count)s utløpte forsøk er fjernet.", count
            )
            % {"count": count},
        )

    @admin.display(description=_("utløper"))
    def expiration(self, obj: AccessAttempt):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else _("ikke satt")

    @admin.display(description=_("status"))
    def status(self, obj: AccessAttempt):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if remaining > 0:
            return ngettext("%(n)s forsøk igjen", "%(n)s forsøk igjen", remaining) % {
                "n": remaining
            }
        return _("sperret")


admin.site.unregister(AccessLog)


@admin.register(AccessLog)
class AccessLogAdmin(axes_admin.AccessLogAdmin):
    fieldsets = _norwegian_headings(axes_admin.AccessLogAdmin.fieldsets)


admin.site.unregister(AccessFailureLog)


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(axes_admin.AccessFailureLogAdmin):
    fieldsets = _norwegian_headings(axes_admin.AccessFailureLogAdmin.fieldsets)
