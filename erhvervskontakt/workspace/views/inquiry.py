"""One inquiry: its page, the printable receipt, notes and documents."""

from __future__ import annotations

import puremagic
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erhvervskontakt.inquiries import access, services
from erhvervskontakt.inquiries.models import Attachment, CallbackStatus
from erhvervskontakt.inquiries.receipts import build_receipt
from erhvervskontakt.inquiries.services import WorkflowError
from erhvervskontakt.inquiries.workflow import MatterStatus
from erhvervskontakt.organisation.roles import Role, has_role
from erhvervskontakt.workspace import timeline
from erhvervskontakt.workspace.decorators import staff_required
from erhvervskontakt.workspace.forms import (
    AttachmentForm,
    BusinessRepliedForm,
    CallForm,
    CloseForm,
    NoteForm,
    ReplyForm,
    RequestInfoForm,
)
from erhvervskontakt.workspace.queries import working_days_left
from erhvervskontakt.workspace.views.common import inquiry_for, matters_to_triage

# Documents staff may add: what businesses send (drawings, photos, office files, PDFs).
ALLOWED_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/heic",
    "text/plain",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/zip",
}


def _matter_rows(user, inquiry):
    rows = []
    matters = inquiry.matters.select_related("topic", "unit", "assignee").prefetch_related("callbacks")
    for matter in matters.order_by("pk"):
        can_act = access.can_act_on_matter(user, matter)
        is_open = matter.status != MatterStatus.CLOSED
        rows.append(
            {
                "matter": matter,
                "can_act": can_act,
                "days_left": working_days_left(matter.due_at) if is_open else None,
                "paused": matter.status == MatterStatus.AWAITING_BUSINESS,
                "callbacks": [c for c in matter.callbacks.all() if c.status == CallbackStatus.PENDING],
                "forms": {
                    "reply": ReplyForm(prefix=f"m{matter.pk}-reply"),
                    "call": CallForm(prefix=f"m{matter.pk}-call"),
                    "request_info": RequestInfoForm(prefix=f"m{matter.pk}-info"),
                    "business_replied": BusinessRepliedForm(prefix=f"m{matter.pk}-answer"),
                    "close": CloseForm(prefix=f"m{matter.pk}-close"),
                }
                if can_act
                else {},
            }
        )
    return rows


@staff_required
def detail(request, reference: str):
    inquiry = inquiry_for(request, reference)
    can_act = access.can_act_on_inquiry(request.user, inquiry)
    context = {
        "inquiry": inquiry,
        "matter_rows": _matter_rows(request.user, inquiry),
        "entries": timeline.timeline(inquiry),
        "attachments": inquiry.attachments.select_related("matter__topic").order_by("created_at"),
        "can_act": can_act,
        "is_agent": has_role(request.user, Role.AGENT),
        "to_triage": list(matters_to_triage(inquiry)) if has_role(request.user, Role.AGENT) else [],
        "note_form": NoteForm(prefix="note") if can_act else None,
        "attachment_form": AttachmentForm(prefix="doc") if can_act else None,
    }
    return render(request, "workspace/inquiry.html", context)


@staff_required
def receipt(request, reference: str):
    """The receipt as the business sees it, printable at the counter."""
    inquiry = inquiry_for(request, reference)
    with translation.override(inquiry.language):
        built = build_receipt(inquiry)  # names in the business's language; the template matches it
    return render(
        request,
        "workspace/receipt.html",
        {
            "inquiry": inquiry,
            "receipt": built,
            "receipt_language": inquiry.language,
            "can_act": access.can_act_on_inquiry(request.user, inquiry),
        },
    )


@require_POST
@staff_required
def receipt_send(request, reference: str):
    inquiry = inquiry_for(request, reference)
    access.require(access.can_act_on_inquiry(request.user, inquiry))
    if services.inquiry_send_receipt(inquiry, actor=request.user):
        messages.success(request, _("The receipt is on its way by email (with a new tracking link)."))
    else:
        messages.error(request, _("The business has no email address; print the receipt instead."))
    return redirect("workspace:receipt", inquiry.reference)


@require_POST
@staff_required
def note(request, reference: str):
    inquiry = inquiry_for(request, reference)
    access.require(access.can_act_on_inquiry(request.user, inquiry))
    form = NoteForm(request.POST, prefix="note")
    if form.is_valid():
        try:
            services.inquiry_note(inquiry, actor=request.user, text=form.cleaned_data["text"])
        except WorkflowError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, _("Note added."))
            return redirect("workspace:inquiry", inquiry.reference)
    return render(
        request,
        "workspace/simple_form.html",
        {"inquiry": inquiry, "form": form, "title": _("Internal note"), "action": request.path},
        status=400,
    )


@require_POST
@staff_required
def attachment_upload(request, reference: str):
    inquiry = inquiry_for(request, reference)
    access.require(access.can_act_on_inquiry(request.user, inquiry))
    form = AttachmentForm(request.POST, request.FILES, prefix="doc")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            content = upload.read()
            try:
                content_type = puremagic.from_string(content, mime=True) if content else ""
            except puremagic.PureError:
                content_type = ""
            if upload.name.lower().endswith(".txt") and not content_type:
                content_type = "text/plain"
            if content_type not in ALLOWED_TYPES:
                form.add_error(
                    "file", _("This type of file cannot be added (PDF, images and office files can).")
                )
            else:
                services.attachment_add(
                    inquiry,
                    filename=upload.name,
                    content=content,
                    content_type=content_type,
                    actor=request.user,
                    public=form.cleaned_data["public"],
                )
                messages.success(request, _("Document added."))
                return redirect("workspace:inquiry", inquiry.reference)
    return render(
        request,
        "workspace/simple_form.html",
        {
            "inquiry": inquiry,
            "form": form,
            "title": _("Add a document"),
            "action": request.path,
            "multipart": True,
        },
        status=400,
    )


@staff_required
def attachment_download(request, pk: int):
    attachment = Attachment.objects.select_related("inquiry").filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if not access.can_view_attachment(request.user, attachment):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.filename, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
