"""Administrators' views of the email channel: quarantine (retry, dismiss, download the original),
every received email's metadata, mailbox health, and the audit trail.

Only administrators (role) and superusers see these, and bodies are never shown here: content
belongs to the inquiry, where access rules apply. Downloading an original is logged.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from erhvervskontakt.mail import ingest
from erhvervskontakt.mail.models import (
    InboundMessage,
    InboundStatus,
    MailboxState,
    MailEvent,
    QuarantinedMessage,
)
from erhvervskontakt.organisation.admin_base import ReadOnlyForAdministrators


@admin.register(QuarantinedMessage)
class QuarantinedMessageAdmin(ReadOnlyForAdministrators):
    list_display = ["received_at", "mailbox", "sender_email", "subject", "short_reason", "size", "attempts"]
    list_filter = ["mailbox"]
    search_fields = ["sender_email", "subject", "message_id", "reason"]
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "mailbox",
        "uid",
        "message_id",
        "sender_email",
        "subject",
        "size",
        "reason",
        "attempts",
    ]
    readonly_fields = fields
    actions = ["retry", "dismiss", "download_original"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=InboundStatus.QUARANTINED)

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return obj.reason[:120]

    @admin.action(description=_("Process again"))
    def retry(self, request, queryset):
        done = failed = 0
        for message in list(queryset):
            if ingest.retry(message, actor=request.user).status == InboundStatus.QUARANTINED:
                failed += 1
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%d email processed.", "%d emails processed.", done) % done,
                messages.SUCCESS,
            )
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%d email is still quarantined; see its reason.",
                    "%d emails are still quarantined; see their reasons.",
                    failed,
                )
                % failed,
                messages.WARNING,
            )

    @admin.action(description=_("Dismiss (no inquiry needed)"))
    def dismiss(self, request, queryset):
        count = 0
        for message in list(queryset):
            ingest.dismiss(message, actor=request.user)
            count += 1
        self.message_user(request, ngettext("%d email dismissed.", "%d emails dismissed.", count) % count)

    @admin.action(description=_("Download the original (logged)"))
    def download_original(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one email to download."), messages.ERROR)
            return None
        message = queryset.get()
        raw = ingest.open_original(message, actor=request.user, purpose="quarantine review (admin download)")
        response = HttpResponse(raw, content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="quarantined-{message.pk}.eml"'
        return response


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyForAdministrators):
    list_display = ["received_at", "mailbox", "sender_email", "status", "inquiry_link", "size"]
    list_filter = ["status", "mailbox", "receipt_sent"]
    search_fields = ["sender_email", "message_id", "inquiry__reference"]
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "sent_at",
        "mailbox",
        "uidvalidity",
        "uid",
        "message_id",
        "sender_email",
        "status",
        "reason",
        "inquiry_link",
        "receipt_sent",
        "size",
        "sha256",
        "attempts",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("inquiry").defer("text", "html")

    @admin.display(description=_("inquiry"))
    def inquiry_link(self, obj):
        return obj.inquiry.reference if obj.inquiry_id else ""


@admin.register(MailboxState)
class MailboxStateAdmin(ReadOnlyForAdministrators):
    list_display = ["name", "last_poll_at", "last_success_at", "health", "uidvalidity", "last_uid"]
    readonly_fields = ["name", "uidvalidity", "last_uid", "last_poll_at", "last_success_at", "last_error"]
    fields = readonly_fields

    @admin.display(description=_("status"))
    def health(self, obj):
        if obj.last_error:
            return format_html('<span class="error">{}</span>', obj.last_error[:200])
        return _("OK")


@admin.register(MailEvent)
class MailEventAdmin(ReadOnlyForAdministrators):
    list_display = ["created_at", "kind", "inbound", "actor", "text"]
    list_filter = ["kind"]
    readonly_fields = ["created_at", "kind", "inbound", "actor", "text"]
    fields = readonly_fields
