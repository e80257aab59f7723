"""Following an inquiry without an account, through the secret link from the receipt.

The token in the address is the only key: it is looked up by hash in constant time
(``services.find_by_tracking_token``); an unknown or revoked token gets the same page as a
wrong one, so nothing can be learnt by guessing. The business can answer requests for
information, add documents (checked by content) and revoke or renew its link.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from erhvervskontakt.inquiries import selectors, services
from erhvervskontakt.inquiries.models import Attachment
from erhvervskontakt.inquiries.receipts import build_receipt
from erhvervskontakt.inquiries.workflow import EventKind, InquiryStatus, MatterStatus
from erhvervskontakt.portal import protection
from erhvervskontakt.portal.forms_engine import clean_text
from erhvervskontakt.portal.uploads import UploadRejected, check_upload, read_upload
from erhvervskontakt.portal.views.common import private, refuse, too_large

log = logging.getLogger(__name__)

ACCEPT = ("pdf", "png", "jpg", "jpeg", "gif", "tif", "tiff", "dwg", "docx", "xlsx", "odt", "ods")
MAX_FILES = 5
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_REPLY = 5000


def _inquiry_or_404(token: str):
    inquiry = services.find_by_tracking_token(token)
    if inquiry is None:
        raise Http404
    return inquiry


def _timeline(inquiry):
    items = []
    for event in selectors.public_timeline(inquiry):
        text = event.text
        if event.kind == EventKind.MATTER_ADDED and event.matter is not None:
            text = event.matter.topic.name  # the stored text is the Danish name
        items.append({"event": event, "text": text})
    return items


def _page(request, token, inquiry, *, reply="", reply_error="", upload_error="", status=200):
    awaiting = [
        m for m in inquiry.matters.select_related("topic") if m.status == MatterStatus.AWAITING_BUSINESS
    ]
    requests_for_info = [e for e in selectors.public_timeline(inquiry) if e.kind == EventKind.INFO_REQUESTED][
        -3:
    ]
    context = {
        "token": token,
        "inquiry": inquiry,
        "receipt": build_receipt(inquiry),
        "timeline": _timeline(inquiry),
        "awaiting": awaiting,
        "requests_for_info": requests_for_info if awaiting else [],
        "documents": Attachment.objects.filter(inquiry=inquiry, public=True).order_by("created_at"),
        "closed": inquiry.status == InquiryStatus.CLOSED,
        "reply": reply,
        "reply_error": reply_error,
        "upload_error": upload_error,
        "accept_attr": ",".join(f".{e}" for e in ACCEPT),
        "accept_text": ", ".join(e.upper() for e in ACCEPT),
        "max_files": MAX_FILES,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        "honeypot": protection.HONEYPOT_FIELD,
    }
    return private(render(request, "portal/track.html", context, status=status))


def _reply(request, token, inquiry):
    text = clean_text(request.POST.get("message", "")).strip()
    if not text:
        return _page(request, token, inquiry, reply_error=_("Write your answer or message."))
    if len(text) > MAX_REPLY:
        return _page(
            request,
            token,
            inquiry,
            reply=text,
            reply_error=_("Write at most %(limit)s characters (you wrote %(count)s).")
            % {"limit": MAX_REPLY, "count": len(text)},
        )
    services.inquiry_business_replied(inquiry, text=text, via="portal")
    messages.success(request, _("Thank you. We have received your message."))
    return redirect("portal:track", token=token)


def _upload(request, token, inquiry):
    files = request.FILES.getlist("documents")
    if not files:
        return _page(request, token, inquiry, upload_error=_("Choose one or more files."))
    if len(files) > MAX_FILES:
        return _page(
            request, token, inquiry, upload_error=_("Send at most %(n)s files at a time.") % {"n": MAX_FILES}
        )
    checked = []
    try:
        for uploaded in files:
            content = read_upload(uploaded, MAX_FILE_BYTES)
            checked.append(check_upload(uploaded.name, content, accept=ACCEPT, max_bytes=MAX_FILE_BYTES))
    except UploadRejected as exc:
        return _page(request, token, inquiry, upload_error=str(exc))
    with transaction.atomic():
        for item in checked:
            services.attachment_add(
                inquiry,
                filename=item.filename,
                content=item.content,
                content_type=item.content_type,
                public=True,
                source="business",
            )
    messages.success(
        request,
        _("Thank you. We have received %(names)s.") % {"names": ", ".join(c.filename for c in checked)},
    )
    return redirect("portal:track", token=token)


@require_http_methods(["GET", "POST"])
def track(request, token: str):
    """The status page a tracking link opens (public; the token is the permission)."""
    inquiry = _inquiry_or_404(token)
    if request.method == "GET":
        return _page(request, token, inquiry)
    if too_large(request):
        return refuse(request, "too_large", 413)
    if protection.honeypot_filled(request):
        return refuse(request, "bot", 400)
    if not protection.hit(request, "track"):
        return _page(
            request,
            token,
            inquiry,
            reply=clean_text(request.POST.get("message", "")),
            reply_error=_("You have sent many messages in a short time. Wait ten minutes and try again."),
            status=429,
        )
    action = request.POST.get("action")
    if action == "reply":
        return _reply(request, token, inquiry)
    if action == "upload":
        return _upload(request, token, inquiry)
    if action == "renew":
        new_token = services.inquiry_new_tracking_link(inquiry)
        messages.success(
            request,
            _("This is your new link. The old link no longer works. Bookmark this page or copy the address."),
        )
        return redirect("portal:track", token=new_token)
    if action == "revoke":
        services.inquiry_revoke_tracking(inquiry)
        return redirect("portal:track-revoked")
    return _page(request, token, inquiry, status=400)


@require_GET
def document(request, token: str, pk: int):
    """A document shared with the business on its inquiry (public ones only)."""
    inquiry = _inquiry_or_404(token)
    attachment = Attachment.objects.filter(pk=pk, inquiry=inquiry, public=True).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        log.warning("portal: attachment %s missing from storage", attachment.pk)
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.filename)
    response["Content-Type"] = attachment.content_type or "application/octet-stream"
    return private(response)


@require_GET
def revoked(request):
    return private(render(request, "portal/track_revoked.html", {"home": reverse("portal:home")}))
