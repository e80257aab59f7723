"""Admin for content editors: forms are edited as YAML and validated on save.

The catalogue app registers ``FormDefinition`` with a plain admin; the portal owns the schema
format, so it replaces that registration with one that checks the schema and says exactly what
to fix. Survey answers and stored form answers are read-only here.
"""

from __future__ import annotations

import contextlib

import yaml
from django import forms
from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import FormDefinition, Topic
from erhvervskontakt.portal.forms_schema import SchemaError, parse_schema
from erhvervskontakt.portal.models import Submission, SurveyResponse

NEW_SCHEMA = {"version": 1, "kind": "question", "sections": []}


class FormDefinitionForm(forms.ModelForm):
    schema_yaml = forms.CharField(
        label=_("Schema (YAML)"),
        widget=forms.Textarea(attrs={"rows": 40, "cols": 100, "spellcheck": "false"}),
        help_text=_("Fields, types, help texts and conditions. The format is described in docs/portal.md."),
    )

    class Meta:
        model = FormDefinition
        fields = ["code", "name_da", "name_en", "intro_da", "intro_en", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = self.instance.schema if self.instance.pk else NEW_SCHEMA
        self.fields["schema_yaml"].initial = yaml.safe_dump(
            schema, allow_unicode=True, sort_keys=False, width=100
        )

    def clean_schema_yaml(self):
        text = self.cleaned_data["schema_yaml"]
        try:
            schema = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            message = _("The schema is not valid YAML: %(error)s") % {"error": exc}
            raise forms.ValidationError(message) from exc
        try:
            parse_schema(schema, topic_codes=set(Topic.objects.values_list("code", flat=True)))
        except SchemaError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return schema

    def save(self, commit=True):
        self.instance.schema = self.cleaned_data["schema_yaml"]
        return super().save(commit)


# The catalogue app registers a plain admin first (it is listed before the portal).
with contextlib.suppress(NotRegistered):
    admin.site.unregister(FormDefinition)


@admin.register(FormDefinition)
class FormDefinitionAdmin(admin.ModelAdmin):
    form = FormDefinitionForm
    list_display = ["code", "name_da", "is_active", "updated_at"]
    search_fields = ["code", "name_da", "name_en"]
    fieldsets = [
        (None, {"fields": ["code", "is_active"]}),
        ("Dansk", {"fields": ["name_da", "intro_da"]}),
        ("English", {"fields": ["name_en", "intro_en"]}),
        (_("Fields"), {"fields": ["schema_yaml"]}),
    ]

    def view_on_site(self, obj):
        return reverse("portal:form", args=[obj.code])


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = [
        "inquiry",
        "submitted_at",
        "accessibility",
        "web_quality",
        "responsiveness",
        "professional_benefit",
    ]
    list_filter = ["submitted_at", "language"]
    readonly_fields = [f.name for f in SurveyResponse._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["inquiry", "form_code", "created_at", "language"]
    list_filter = ["form_code"]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
