from django.contrib import admin

from erhvervskontakt.core.admin_mixins import SafeAutocompleteInitial
from erhvervskontakt.reporting.models import Baseline, GoalReportDispatch, ServiceGoal


@admin.register(ServiceGoal)
class ServiceGoalAdmin(SafeAutocompleteInitial, admin.ModelAdmin):
    """Service goals are configuration: administrators set them; changes are kept in the admin's history."""

    list_display = ("metric", "target", "department", "topic", "call_target_seconds", "is_active")
    list_filter = ("metric", "is_active", "department")
    list_editable = ("target", "is_active")
    autocomplete_fields = ("topic",)
    search_fields = ("note", "topic__name_da", "department__code")


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end")
    search_fields = ("name",)


@admin.register(GoalReportDispatch)
class GoalReportDispatchAdmin(admin.ModelAdmin):
    list_display = ("month", "sent_at", "recipients", "goals_met", "goals_missed")
    readonly_fields = ("month", "sent_at", "recipients", "goals_met", "goals_missed")

    def has_add_permission(self, request):
        return False
