from django.contrib import admin

from erhvervskontakt.catalogue.models import FormDefinition, Theme, Topic, TopicLink, TriageNode
from erhvervskontakt.core.admin_mixins import HTTPS_URLS, SafeAutocompleteInitial


class TopicLinkInline(admin.TabularInline):
    model = TopicLink
    extra = 0
    formfield_overrides = HTTPS_URLS


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "department", "unit", "response_days", "is_external", "is_active"]
    list_filter = ["department", "themes", "is_external", "is_active"]
    search_fields = ["code", "name_da", "name_en", "keywords", "synonyms"]
    filter_horizontal = ["themes"]
    inlines = [TopicLinkInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "department",
                    "unit",
                    "response_days",
                    "is_external",
                    "is_active",
                    "themes",
                    "form",
                ]
            },
        ),
        (
            "Dansk",
            {
                "fields": [
                    "name_da",
                    "summary_da",
                    "description_da",
                    "when_applies_da",
                    "how_to_apply_da",
                    "documents_da",
                    "fees_da",
                    "processing_time_da",
                    "guidance_internal_da",
                ]
            },
        ),
        (
            "English",
            {
                "fields": [
                    "name_en",
                    "summary_en",
                    "description_en",
                    "when_applies_en",
                    "how_to_apply_en",
                    "documents_en",
                    "fees_en",
                    "processing_time_en",
                    "guidance_internal_en",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Routing", {"fields": ["keywords", "synonyms", "examples"]}),
    ]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "name_en", "sort"]


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "is_active", "updated_at"]


@admin.register(TriageNode)
class TriageNodeAdmin(SafeAutocompleteInitial, admin.ModelAdmin):
    list_display = ["topic", "parent", "label_da", "question_da", "outcome", "sort"]
    list_filter = ["topic", "outcome"]
    search_fields = ["label_da", "question_da", "answer_da"]
    autocomplete_fields = ["parent"]
