from django.contrib import admin, messages

from erhvervskontakt.outbox.models import OutboundMessage
from erhvervskontakt.outbox.services import retry_now


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Delivery status for administrators; message bodies stay out of view (they hold case content)."""

    list_display = ["created_at", "kind", "reference", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "message_id"]
    fields = [
        "kind",
        "reference",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
        "message_id",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Retry now")
    def retry(self, request, queryset):
        for message in queryset:
            retry_now(message)
        self.message_user(request, f"{queryset.count()} messages queued again.", messages.SUCCESS)
