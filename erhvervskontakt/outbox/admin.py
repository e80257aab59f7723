from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
        "bounced_at",
        "bounce_reason",
        "message_id",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry now"))
    def retry(self, request, queryset):
        for message in queryset:
            retry_now(message)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d message queued again.", "%d messages queued again.", count) % count,
            messages.SUCCESS,
        )
