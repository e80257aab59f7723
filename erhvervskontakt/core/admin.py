from django.contrib import admin

from erhvervskontakt.core.models import ClosedDay
from erhvervskontakt.core.workdays import forget_closed_days


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_closed_days()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_closed_days()
