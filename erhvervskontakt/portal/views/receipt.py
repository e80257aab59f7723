"""The receipt page, shown after the inquiry is committed (POST → redirect → GET)."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.receipts import build_receipt
from erhvervskontakt.inquiries.services import tracking_url
from erhvervskontakt.portal.views.common import RECEIPT_SESSION_KEY, RECEIPT_TOKEN_SECONDS, private


@require_GET
def receipt(request):
    """The visitor's own latest receipt, found through its session only (no reference in the URL).

    The tracking token is shown once and then dropped from the session; the same link is in the
    receipt email.
    """
    data = request.session.get(RECEIPT_SESSION_KEY)
    inquiry = None
    if isinstance(data, dict) and isinstance(data.get("inquiry"), int):
        inquiry = Inquiry.objects.filter(pk=data["inquiry"]).select_related("contact").first()
    if inquiry is None:
        return private(render(request, "portal/receipt_missing.html", status=404))
    token = data.get("token") if isinstance(data.get("token"), str) else None
    fresh = clock.now().timestamp() - float(data.get("at") or 0) < RECEIPT_TOKEN_SECONDS
    if token:
        request.session[RECEIPT_SESSION_KEY] = {**data, "token": None}
    context = {
        "receipt": build_receipt(inquiry),
        "tracking_url": tracking_url(token) if token and fresh else "",
        "email": inquiry.requester_email,
    }
    return private(render(request, "portal/receipt.html", context))
