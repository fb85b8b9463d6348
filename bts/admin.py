from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership, Service, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["service", "role", "valid_from", "valid_to"]
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
    fields = ["name", "kind", "provider", "phone", "email", "is_active"]
    list_display = ["name", "kind", "provider", "is_active"]
    list_filter = ["kind", "provider", "is_active"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    fields = ["user", "service", "role", "valid_from", "valid_to"]
    list_display = ["user", "service", "role", "valid_from", "valid_to"]
    list_filter = ["role", "service"]
    list_select_related = ["user", "service"]
    autocomplete_fields = ["user", "service"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "service__name"]


# The authenticator's secret never leaves the server: the administrator sees who has one and
# can delete it (a lost phone), after which the user sets up a new one at the next login.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class TOTPDeviceAdmin(admin.ModelAdmin):
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
