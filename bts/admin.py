from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Municipality, Service, User


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    fields = ["number", "name", "is_active"]
    list_display = ["number", "name", "is_active"]
    search_fields = ["number", "name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["service", "municipality", "role", "valid_from", "valid_to"]
    autocomplete_fields = ["service"]
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Arbeid"), {"fields": ["job_title", "phone"]}),
    ]
    list_display = ["username", "first_name", "last_name", "email", "job_title", "is_active"]
    list_filter = ["is_active", "is_staff", "memberships__role", "memberships__service"]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
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
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    fields = ["user", "service", "municipality", "role", "valid_from", "valid_to"]
    list_display = ["user", "service", "municipality", "role", "valid_from", "valid_to"]
    list_filter = ["role", "municipality", "service"]
    list_select_related = ["user", "service", "municipality"]
    autocomplete_fields = ["user", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]


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
