"""Carry out an ingestion decision through the inquiry service functions (inside ``ingest``'s transaction).

What is stored for display and search has CPR numbers masked: the inquiry's subject and text,
timeline texts, the received email's subject, text and HTML, attachment names.
"""

from __future__ import annotations

import logging
import mimetypes

from django.conf import settings
from django.utils.translation import gettext as _

from erhvervskontakt.inquiries import notifications, services
from erhvervskontakt.inquiries.models import Event, Inquiry, Matter
from erhvervskontakt.inquiries.workflow import Channel, EventKind, MatterStatus
from erhvervskontakt.mail import decisions
from erhvervskontakt.mail.bodies import trim_quoted
from erhvervskontakt.mail.cpr import mask_cpr
from erhvervskontakt.mail.models import InboundMessage, InboundStatus
from erhvervskontakt.mail.parsing import ParsedMessage
from erhvervskontakt.outbox import services as outbox

log = logging.getLogger(__name__)

# Executable content is not stored as a document (it stays in the encrypted original).
BLOCKED_EXTENSIONS = {
    "exe", "com", "bat", "cmd", "scr", "pif", "vbs", "vbe", "js", "jse", "wsf", "wsh", "msi", "msp",
    "ps1", "jar", "hta", "cpl", "lnk", "reg", "dll",
}  # fmt: skip


def _sender_label(parsed: ParsedMessage) -> str:
    name = mask_cpr(parsed.sender_name)
    if name and parsed.sender_email:
        return f"{name} <{parsed.sender_email}>"
    return name or parsed.sender_email or _("unknown sender")


def _content_type(filename: str, declared: str) -> str:
    if declared and declared != "application/octet-stream":
        return declared
    guessed, _encoding = mimetypes.guess_type(filename)
    return guessed or declared or "application/octet-stream"


def _store_attachments(
    inquiry: Inquiry, inbound: InboundMessage, parsed: ParsedMessage, *, public: bool
) -> None:
    stored, skipped, cids = [], [], {}
    limit = settings.MAIL_MAX_ATTACHMENTS
    for item in parsed.attachments:
        name = mask_cpr(item.filename)
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        why = ""
        if item.size == 0:
            why = _("empty")
        elif item.size > settings.ATTACHMENT_MAX_BYTES:
            why = _("larger than %(limit)s MB") % {"limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        elif extension in BLOCKED_EXTENSIONS:
            why = _("program files are not accepted")
        elif len(stored) >= limit:
            why = _("more than %(limit)s attachments") % {"limit": limit}
        if why:
            skipped.append({"filename": name, "size": item.size, "why": why})
            continue
        attachment = services.attachment_add(
            inquiry,
            filename=name,
            content=item.data,
            content_type=_content_type(name, item.content_type),
            public=public,
            source="email",
        )
        stored.append({"id": attachment.pk, "filename": name, "size": item.size, "inline": item.inline})
        if item.content_id:
            cids[item.content_id] = attachment.pk
    inbound.data.update({"attachments": stored, "skipped_attachments": skipped, "cid": cids})
    if skipped:
        lines = "\n".join(f"- {s['filename']} ({s['size'] / 1048576:.1f} MB): {s['why']}" for s in skipped)
        services.record(
            inquiry,
            EventKind.NOTE,
            text=_(
                "Some attachments of the email from %(sender)s were not stored as documents; "
                "the original email is kept and an administrator can retrieve them:\n%(lines)s"
            )
            % {"sender": _sender_label(parsed), "lines": lines},
            data={"inbound": inbound.pk, "skipped": skipped},
        )


def _display_text(parsed: ParsedMessage) -> str:
    return mask_cpr(trim_quoted(parsed.text, subject=parsed.subject)).strip()


def _subject(parsed: ParsedMessage) -> str:
    return mask_cpr(parsed.subject).strip() or _("(no subject)")


def _registration(
    inbound: InboundMessage, parsed: ParsedMessage, decision: decisions.Decision, text: str
) -> services.Registration:
    body = text
    if decision.follows:
        body = (
            _("Continues the closed inquiry %(reference)s.") % {"reference": decision.follows} + "\n\n" + body
        )
    return services.Registration(
        channel=Channel.EMAIL,
        subject=_subject(parsed)[:300],
        text=body,
        # Not forwarded at once: to the contact centre for triage, as the service would choose.
        matters=[
            services.MatterSpec(
                topic=decision.topic,
                direct=decision.direct,
                unit=None if decision.direct else decisions.contact_centre(),
            )
        ],
        company=decision.company,
        contact=decision.contact,
        contact_name="" if decision.contact else mask_cpr(parsed.sender_name)[:200],
        contact_email=decisions.contact_address(parsed.sender_email),
        language=decision.language,
        received_at=inbound.received_at,
        source_ref=parsed.message_id or f"sha256:{parsed.sha256}",
    )


def _received_event(
    inquiry: Inquiry, inbound: InboundMessage, parsed: ParsedMessage, decision: decisions.Decision
) -> Event:
    """The "email received" event of a new inquiry (after ``inbound.receipt_sent`` is set)."""
    return services.new_event(
        inquiry,
        EventKind.EMAIL_RECEIVED,
        text=_("Email from %(sender)s: %(subject)s")
        % {"sender": _sender_label(parsed), "subject": _subject(parsed)},
        actor_label=_sender_label(parsed),
        data={
            "inbound": inbound.pk,
            "message_id": parsed.message_id,
            "routing": decision.routing,
            "auto_forwarded": decision.direct,
            "receipt": inbound.receipt_sent,
            "no_receipt_because": decision.receipt_note,
        },
    )


def _register(
    inbound: InboundMessage, parsed: ParsedMessage, decision: decisions.Decision, text: str
) -> Inquiry:
    reg = _registration(inbound, parsed, decision, text)
    inquiry, _token = services.inquiry_register(reg, send_receipt=decision.send_receipt)
    inbound.receipt_sent = decision.send_receipt and bool(inquiry.requester_email)
    services.record_many([_received_event(inquiry, inbound, parsed, decision)])
    return inquiry


def _assignees_to_tell(inquiry: Inquiry) -> list[str]:
    """Caseworkers holding open matters not waiting for the business (the service tells the waiting ones).

    Read before the reply is recorded: recording it resumes the waiting matters.
    """
    emails = (
        Matter.objects.filter(inquiry=inquiry, assignee__isnull=False)
        .exclude(status__in=[MatterStatus.CLOSED, MatterStatus.AWAITING_BUSINESS])
        .values_list("assignee__email", flat=True)
    )
    return [e for e in emails if e]


def _thread_text(parsed: ParsedMessage, text: str) -> str:
    return f"{mask_cpr(parsed.subject)}\n{text}"


def _fill(inbound: InboundMessage, parsed: ParsedMessage, decision: decisions.Decision) -> None:
    inbound.text = mask_cpr(parsed.text)
    inbound.html = mask_cpr(parsed.html)
    inbound.data = {
        "automatic": decision.automatic.kind,
        "automatic_reason": decision.automatic.reason,
        "via": decision.via,
        "defects": list(parsed.defects)[:20],
        "forwarded": len(parsed.forwarded),
    }
    inbound.reason = ""


def apply_decision(inbound: InboundMessage, parsed: ParsedMessage) -> None:
    """Decide and store; fills in and saves ``inbound``. Must run inside a transaction."""
    text = _display_text(parsed)
    decision = decisions.decide(parsed, thread_text=_thread_text(parsed, text))
    _fill(inbound, parsed, decision)
    sender = _sender_label(parsed)
    if decision.action == decisions.BOUNCED:
        inbound.status = InboundStatus.BOUNCE
        report = parsed.report
        reason = (report.diagnostic or report.status) if report else ""
        reason = reason or parsed.subject or _("delivery failed")
        inbound.data["bounce"] = {
            "outbound": decision.outbound.pk if decision.outbound else None,
            "recipients": list(report.recipients) if report else [],
            "status": report.status if report else "",
            "action": report.action if report else "",
        }
        final = report is None or report.failed
        if decision.outbound is not None and final:
            outbox.mark_bounced(decision.outbound, mask_cpr(reason))
        if decision.inquiry is not None:
            inbound.inquiry = decision.inquiry
            recipients = (
                ", ".join(report.recipients)
                if report and report.recipients
                else ", ".join(decision.outbound.to if decision.outbound else [])
            )
            services.record(
                decision.inquiry,
                EventKind.EMAIL_RECEIVED,
                text=(
                    _("Our email to %(to)s could not be delivered: %(reason)s")
                    if final
                    else _("Our email to %(to)s is delayed: %(reason)s")
                )
                % {"to": recipients or _("the business"), "reason": mask_cpr(reason)[:500]},
                actor_label=sender,
                data={"inbound": inbound.pk, "bounce": True, "outbound": inbound.data["bounce"]["outbound"]},
            )
    elif decision.action == decisions.AUTOMATIC:
        inbound.status = InboundStatus.AUTOMATIC
        if decision.inquiry is not None:
            inbound.inquiry = decision.inquiry
            services.record(
                decision.inquiry,
                EventKind.EMAIL_RECEIVED,
                text=_("Automatic reply from %(sender)s: %(subject)s")
                % {"sender": sender, "subject": mask_cpr(parsed.subject)},
                actor_label=sender,
                data={"inbound": inbound.pk, "automatic": decision.automatic.kind},
            )
    elif decision.action == decisions.REPLY:
        inbound.status = InboundStatus.REPLY
        inbound.inquiry = decision.inquiry
        tell = _assignees_to_tell(decision.inquiry)
        services.inquiry_business_replied(
            decision.inquiry,
            text=text or _("(no text; see the attached documents)"),
            via="email",
            source_ref=parsed.message_id or f"sha256:{parsed.sha256}",
        )
        _store_attachments(decision.inquiry, inbound, parsed, public=True)
        if tell:
            notifications.notify_staff(tell, decision.inquiry, _("The business has written"), text[:2000])
    elif decision.action == decisions.UNVERIFIED:
        inbound.status = InboundStatus.UNVERIFIED
        inbound.inquiry = decision.inquiry
        services.record(
            decision.inquiry,
            EventKind.EMAIL_RECEIVED,
            text=(
                _("Email from %(sender)s in reply to a staff notification.\n\n%(text)s")
                if decision.via == "staff"
                else _(
                    "Email from %(sender)s, who is not registered with this inquiry, mentions its reference. "
                    "Check before acting on it.\n\n%(text)s"
                )
            )
            % {"sender": sender, "text": text},
            actor_label=sender,
            data={"inbound": inbound.pk, "message_id": parsed.message_id, "unverified": True},
        )
        _store_attachments(decision.inquiry, inbound, parsed, public=False)
    else:
        inquiry = _register(inbound, parsed, decision, text)
        inbound.status = InboundStatus.NEW_INQUIRY
        inbound.inquiry = inquiry
        inbound.data["routing"] = decision.routing
        _store_attachments(inquiry, inbound, parsed, public=True)
    inbound.save()


def apply_new_inquiries(rows: list[tuple[InboundMessage, ParsedMessage]]) -> None:
    """``apply_decision`` for mail that is all ``decisions.is_plain_new``, together, in order.

    Decided with one query per kind of look-up and registered with one statement per table
    (``inquiry_register_many``); each inquiry, event and attachment is what ``apply_decision``
    would have made of that email. The inbound rows must be new (unsaved): they are filled in and
    inserted here, once, as they end. Must run inside a transaction.
    """
    texts = [_display_text(parsed) for _inbound, parsed in rows]
    decided = decisions.decide_new_many(
        [parsed for _inbound, parsed in rows],
        [_thread_text(parsed, text) for (_inbound, parsed), text in zip(rows, texts, strict=True)],
    )
    registered = services.inquiry_register_many(
        [
            _registration(inbound, parsed, decision, text)
            for (inbound, parsed), decision, text in zip(rows, decided, texts, strict=True)
        ],
        send_receipt=[decision.send_receipt for decision in decided],
    )
    inquiries = [inquiry for inquiry, _token in registered]
    for (inbound, parsed), decision, inquiry in zip(rows, decided, inquiries, strict=True):
        _fill(inbound, parsed, decision)
        inbound.receipt_sent = decision.send_receipt and bool(inquiry.requester_email)
        inbound.status = InboundStatus.NEW_INQUIRY
        inbound.inquiry = inquiry
        inbound.data["routing"] = decision.routing
        if not parsed.attachments:
            _store_attachments(inquiry, inbound, parsed, public=True)  # none: notes the empty lists
    InboundMessage.objects.bulk_create([inbound for inbound, _parsed in rows])
    services.record_many(
        [
            _received_event(inquiry, inbound, parsed, decision)
            for (inbound, parsed), decision, inquiry in zip(rows, decided, inquiries, strict=True)
        ]
    )
    with_attachments = []
    for (inbound, parsed), inquiry in zip(rows, inquiries, strict=True):
        if parsed.attachments:  # after the "email received" event, as ``apply_decision`` does
            _store_attachments(inquiry, inbound, parsed, public=True)
            with_attachments.append(inbound)
    if with_attachments:
        InboundMessage.objects.bulk_update(with_attachments, ["data"])
