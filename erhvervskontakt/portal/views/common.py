"""Pieces every public form page shares: refusals, the receipt hand-over, topic choices."""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock
from erhvervskontakt.core.i18n import current_language
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.portal.cache import cached_value

_CODE = re.compile(r"[-a-z0-9_]{1,64}")
RECEIPT_SESSION_KEY = "portal_receipt"
# The tracking token is shown on the receipt page once, within this many seconds of sending.
RECEIPT_TOKEN_SECONDS = 900


def private(response: HttpResponse) -> HttpResponse:
    """Pages with personal data or secret links: never cached, never indexed."""
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def too_large(request) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > settings.PORTAL_MAX_REQUEST_BYTES


def refuse(request, reason: str, status: int) -> HttpResponse:
    """A plain page saying why a submission was not accepted (nothing is stored)."""
    return private(
        render(
            request,
            "portal/refused.html",
            {"reason": reason, "limit_mb": settings.PORTAL_MAX_REQUEST_BYTES // (1024 * 1024)},
            status=status,
        )
    )


def active_topics():
    return Topic.objects.filter(is_active=True).select_related("unit", "department")


def topic_or_none(code: str | None) -> Topic | None:
    # Checked before it reaches the database: PostgreSQL refuses NUL bytes with an error.
    if not code or not _CODE.fullmatch(code):
        return None
    return active_topics().filter(code=code).first()


def topic_choices() -> tuple[tuple[str, str], ...]:
    """(code, name) of every active topic in the active language, sorted by name."""
    language = current_language()

    def compute():
        pairs = [(t.code, t.tr("name", language)) for t in Topic.objects.filter(is_active=True)]
        return tuple(sorted(pairs, key=lambda p: p[1].lower()))

    return cached_value("topic-choices", language, compute)


def active_topic_codes() -> frozenset[str]:
    return frozenset(code for code, _name in topic_choices())


def hand_over_receipt(request, inquiry: Inquiry, token: str):
    """After commit: remember the new inquiry in the session and redirect to the receipt."""
    request.session[RECEIPT_SESSION_KEY] = {
        "inquiry": inquiry.pk,
        "token": token,
        "at": clock.now().timestamp(),
    }
    request.session.cycle_key()  # A new session id for a visitor who has just sent personal data.
    return redirect("portal:receipt")
