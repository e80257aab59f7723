"""Helpers shared by the workspace views: loading with permission checks, where to go next."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from erhvervskontakt.inquiries import access
from erhvervskontakt.inquiries.models import Callback, CallbackStatus, Inquiry, Matter
from erhvervskontakt.inquiries.services import contact_centre_unit
from erhvervskontakt.inquiries.workflow import MatterStatus


def inquiry_for(request, reference: str) -> Inquiry:
    """The inquiry by reference, or 404; 403 when the user may not read it."""
    inquiry = (
        Inquiry.objects.select_related("company", "contact", "coordinator", "coordinator_unit", "created_by")
        .filter(reference=reference)
        .first()
    )
    if inquiry is None:
        raise Http404
    if not access.can_view_inquiry(request.user, inquiry):
        raise PermissionDenied
    return inquiry


def matter_for(request, inquiry: Inquiry, matter_id: int) -> Matter:
    matter = (
        Matter.objects.select_related("topic", "topic__unit", "unit", "assignee", "inquiry")
        .filter(pk=matter_id, inquiry=inquiry)
        .first()
    )
    if matter is None:
        raise Http404
    return matter


def matters_to_triage(inquiry: Inquiry):
    """Open matters still with the contact centre and no callback booked: the agent's to-do."""
    pending_callback = Callback.objects.filter(matter=OuterRef("pk"), status=CallbackStatus.PENDING)
    return (
        inquiry.matters.filter(unit=contact_centre_unit(), status=MatterStatus.NEW)
        .exclude(Exists(pending_callback))
        .order_by("pk")
    )


def next_triage_url(inquiry: Inquiry) -> str:
    """The next matter to triage, or the receipt when every matter has been handled."""
    matter = matters_to_triage(inquiry).first()
    if matter is not None:
        return reverse("workspace:triage", args=[inquiry.reference, matter.pk])
    return reverse("workspace:receipt", args=[inquiry.reference])


def safe_next(request, fallback: str) -> str:
    """Where the form asked to go back to: a path on this site, else ``fallback``.

    Only a path from the root: ``redirect`` takes anything else without a slash for a view name
    and fails with a server error on it (``next=123``).
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def add_service_errors(form, exc, fields: dict) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    for error in exc.error_list:
        name = fields.get(error.code)
        form.add_error(name if name in form.fields else None, error)
