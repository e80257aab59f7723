"""The satisfaction survey after an inquiry closes: invitations (a periodic job) and answers.

Each closed inquiry with an email address gets exactly one invitation (a one-to-one row claims
it, so two workers never both send), with its own random token; only the token's hash is
stored. The answer is stored once, on the four dimensions the city reports on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import services
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.workflow import EventKind, InquiryStatus
from erhvervskontakt.outbox import services as outbox
from erhvervskontakt.outbox.models import MessageKind
from erhvervskontakt.portal.models import SurveyInvitation, SurveyResponse

log = logging.getLogger(__name__)

DIMENSIONS = ("accessibility", "web_quality", "responsiveness", "professional_benefit")


class AlreadyAnswered(Exception):
    """The survey for this inquiry has been answered."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def survey_url(token: str) -> str:
    return f"{settings.SITE_URL}/tilfredshed/{token}/"


def find_invitation(token: str) -> SurveyInvitation | None:
    """The invitation a survey token opens, compared in constant time; None when unknown."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    invitation = SurveyInvitation.objects.filter(token_hash=digest).select_related("inquiry").first()
    if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
        return None
    return invitation


def due_for_invitation(now: dt.datetime | None = None):
    """Closed inquiries with an email address that have not been invited yet."""
    now = now or clock.now()
    delay = dt.timedelta(hours=settings.PORTAL_SURVEY_DELAY_HOURS)
    lookback = dt.timedelta(days=settings.PORTAL_SURVEY_LOOKBACK_DAYS)
    return (
        Inquiry.objects.filter(
            status=InquiryStatus.CLOSED,
            closed_at__lte=now - delay,
            closed_at__gte=now - lookback,
            survey_invitation__isnull=True,
        )
        .filter(~Q(contact_email="") | Q(contact__email__gt=""))
        .select_related("contact")
        .order_by("closed_at")
    )


@transaction.atomic
def survey_invite(inquiry: Inquiry) -> SurveyInvitation | None:
    """Invite the business to rate a closed inquiry; None when there is no address or it is done."""
    email = inquiry.requester_email
    if not email or inquiry.status != InquiryStatus.CLOSED:
        return None
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                inquiry=inquiry,
                token_hash=hash_token(token),
                email=email,
                language=inquiry.language,
                created_at=clock.now(),
            )
    except IntegrityError:  # Another worker invited this inquiry first.
        return None
    with translation.override(inquiry.language):
        body = render_to_string(
            "portal/email/survey.txt",
            {"inquiry": inquiry, "url": survey_url(token), "name": inquiry.requester_name},
        )
        outbox.enqueue(
            kind=MessageKind.SURVEY,
            reference=inquiry.reference,
            to=[email],
            subject=f"[{inquiry.reference}] " + _("How did we do?"),
            body_text=body,
            headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        )
    return invitation


def invite_closed_inquiries(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """The periodic job: invite every newly closed inquiry once; return how many were invited."""
    count = 0
    for inquiry in due_for_invitation(now)[:limit]:
        if survey_invite(inquiry) is not None:
            count += 1
    if count:
        log.info("portal: %d survey invitations sent", count)
    return count


@transaction.atomic
def survey_submit(
    invitation: SurveyInvitation, *, scores: dict[str, int], comment: str, language: str
) -> SurveyResponse:
    """Store the business's answer once and note it on the inquiry's (internal) timeline."""
    invitation = SurveyInvitation.objects.select_for_update().select_related("inquiry").get(pk=invitation.pk)
    if (
        invitation.answered_at is not None
        or SurveyResponse.objects.filter(inquiry=invitation.inquiry).exists()
    ):
        raise AlreadyAnswered
    if set(scores) != set(DIMENSIONS) or any(not 1 <= int(v) <= 5 for v in scores.values()):
        raise ValueError("scores must give 1-5 for each dimension")
    now = clock.now()
    response = SurveyResponse.objects.create(
        inquiry=invitation.inquiry,
        submitted_at=now,
        comment=comment[:5000],
        language=language if language in ("da", "en") else "da",
        **{name: int(scores[name]) for name in DIMENSIONS},
    )
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    services.record(
        invitation.inquiry,
        EventKind.SURVEY_ANSWERED,
        text=comment[:5000],
        data={name: int(scores[name]) for name in DIMENSIONS},
        actor_label=_("The business"),
        at=now,
    )
    return response
