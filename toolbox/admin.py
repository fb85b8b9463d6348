from django.contrib import admin

from bts.admin import MunicipalityScoped

from .models import CatalogueEntry, CatalogueImport, Contact, Tool, Toolbox

# Each municipality's own: a local administrator sees and edits their municipality's only.


@admin.register(CatalogueEntry)
class CatalogueEntryAdmin(MunicipalityScoped, admin.ModelAdmin):
    municipality_paths = ("municipality",)
    fields = [
        "municipality",
        "key",
        "name",
        "description",
        "level",
        "age_from",
        "age_to",
        "provider",
        "contact",
        "referral_required",
        "is_active",
        "changed_at",
    ]
    readonly_fields = ["changed_at"]
    list_display = ["name", "key", "level", "age_from", "age_to", "provider", "is_active"]
    list_filter = ["municipality", "level", "is_active", "referral_required"]
    search_fields = ["key", "name", "provider", "description"]


class ReadOnlyAdmin(MunicipalityScoped, admin.ModelAdmin):
    """Shown, never edited here: the toolbox comes from its file (manage.py load_toolbox) and
    imports are made on the import page."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CatalogueImport)
class CatalogueImportAdmin(ReadOnlyAdmin):
    """The history of imports."""

    municipality_paths = ("municipality",)
    fields = [
        "municipality",
        "file_name",
        "sheet",
        "status",
        "uploaded_by",
        "uploaded_at",
        "applied_by",
        "applied_at",
        "created_count",
        "changed_count",
        "deactivated_count",
        "file_sha256",
    ]
    readonly_fields = fields
    list_display = ["file_name", "status", "uploaded_at", "applied_at", "applied_by"]
    list_filter = ["status"]


@admin.register(Contact)
class ContactAdmin(MunicipalityScoped, admin.ModelAdmin):
    municipality_paths = ("municipality",)
    fields = ["municipality", "category", "name", "phone", "hours", "email", "web", "note"]
    fields += ["position", "is_active"]
    list_display = ["name", "category", "phone", "hours", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["municipality", "category", "is_active"]
    search_fields = ["name", "phone", "email"]


@admin.register(Toolbox)
class ToolboxAdmin(ReadOnlyAdmin):
    municipality_paths = ("municipality",)
    fields = ["slug", "municipality", "municipality_name", "name", "source", "file_sha256"]
    fields += ["loaded_at"]
    readonly_fields = fields
    list_display = ["municipality", "name", "loaded_at"]


@admin.register(Tool)
class ToolAdmin(ReadOnlyAdmin):
    municipality_paths = ("toolbox__municipality",)
    fields = ["number", "title", "slug", "group", "levels", "aliases", "summary"]
    readonly_fields = fields
    list_display = ["number", "title", "group", "levels"]
