"""A base for admin pages that only administrators see and nobody edits there."""

from __future__ import annotations

from django.contrib import admin

from erhvervskontakt.organisation.roles import is_administrator


class ReadOnlyForAdministrators(admin.ModelAdmin):
    """Read-only, for administrators only: the rows change through the app's own functions (and
    actions the subclass offers), never by editing them in the admin."""

    def has_module_permission(self, request):
        return is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
