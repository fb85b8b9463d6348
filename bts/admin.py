from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
