from django.contrib import admin

from erhvervskontakt.businesses.models import Company, CompanyContact, ContactPerson


class CompanyContactInline(admin.TabularInline):
    model = CompanyContact
    extra = 0
    autocomplete_fields = ["person", "company"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "p_number", "city", "phone"]
    search_fields = ["name", "cvr", "phone_normalized"]
    inlines = [CompanyContactInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "phone", "language"]
    search_fields = ["name", "email", "phone_normalized"]
    inlines = [CompanyContactInline]
