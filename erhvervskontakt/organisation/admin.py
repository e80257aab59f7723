from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from erhvervskontakt.core.admin_mixins import HTTPS_URLS, SafeAutocompleteInitial
from erhvervskontakt.organisation.models import Department, StaffProfile, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    fields = ["code", "name_da", "email", "phone", "contact_person", "is_active"]
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name_da", "name_en", "is_external", "sort"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(SafeAutocompleteInitial, admin.ModelAdmin):
    list_display = ["name_da", "department", "email", "phone", "contact_person", "is_active"]
    list_filter = ["department", "is_active"]
    search_fields = ["name_da", "name_en", "code", "email"]
    autocomplete_fields = ["contact_person"]
    formfield_overrides = HTTPS_URLS


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["unit", "title", "phone"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "first_name", "last_name", "email", "roles", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]

    @admin.display(description="roles")
    def roles(self, obj):
        return ", ".join(g.name for g in obj.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
