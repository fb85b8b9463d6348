from django.contrib import admin

from bts.admin import MunicipalityScoped

from .models import AcuteContact, Guide, Level, Step


class AcuteContactInline(MunicipalityScoped, admin.TabularInline):
    model = AcuteContact
    fields = ["position", "name", "phone", "hours", "note"]
    extra = 0
    municipality_paths = ("guide__municipality",)


@admin.register(Guide)
class GuideAdmin(MunicipalityScoped, admin.ModelAdmin):
    fields = [
        "slug",
        "municipality",
        "name",
        "model",
        "source",
        "introduction",
        "acute_title",
        "acute_text",
        "is_active",
        "file_sha256",
        "loaded_at",
    ]
    readonly_fields = ["file_sha256", "loaded_at"]
    list_display = ["municipality", "name", "model", "is_active", "loaded_at"]
    inlines = [AcuteContactInline]
    municipality_paths = ("municipality",)


class StepInline(admin.StackedInline):
    model = Step
    fields = [
        "code",
        "position",
        "title",
        "situation",
        "what_to_do",
        "responsible",
        "tools",
        "guidance",
        "is_decision",
    ]
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    fields = ["guide", "number", "title", "summary", "description", "colour"]
    list_display = ["__str__", "guide", "colour"]
    list_filter = ["guide"]
    inlines = [StepInline]
