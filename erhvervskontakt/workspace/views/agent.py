"""The agent's screens: the start page, registering an inquiry, and the htmx look-ups it uses."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.inquiries import parties
from erhvervskontakt.inquiries.models import Inquiry
from erhvervskontakt.inquiries.services import WorkflowError, contact_centre_unit
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.organisation.roles import Role
from erhvervskontakt.routing.api import route_text
from erhvervskontakt.workspace import queries
from erhvervskontakt.workspace.decorators import role_required
from erhvervskontakt.workspace.register import (
    ANONYMOUS,
    NEW_COMPANY,
    STAFF_CHANNELS,
    RegisterForm,
    register_from_form,
)
from erhvervskontakt.workspace.views.common import add_service_errors, next_triage_url

# Which form field a service's refusal belongs next to, by its code.
REGISTER_ERROR_FIELDS = {
    "subject": "subject",
    "matters": "topics",
    "duplicate_topic": "topics",
    "channel": "channel",
    "company_name": "company_name",
    "contact_name": "person_name",
    "party": "q",
}


def screen_pop_url() -> str:
    """The telephony screen-pop partial, when the telephony app provides one."""
    try:
        return reverse("telephony:screen-pop")
    except NoReverseMatch:
        return ""


@role_required(Role.AGENT)
def home(request):
    kc = contact_centre_unit()
    return render(
        request,
        "workspace/agent_home.html",
        {
            "screen_pop_url": screen_pop_url(),
            "channels": STAFF_CHANNELS,
            "waiting": queries.triage_waiting(kc.pk),
            "recent": Inquiry.objects.filter(created_by=request.user)
            .select_related("company")
            .order_by("-received_at")[:10],
            "callbacks": list(queries.callbacks_for(request.user, unit_id=kc.pk)[:10]),
        },
    )


def triage_text(params) -> str:
    """What to route: the agent's topic search, else the subject and description."""
    text = params.get("triage_q", "").strip()
    if not text:
        text = f"{params.get('subject', '')} {params.get('text', '')}".strip()
    return text[:1000]


def _suggestions(text: str, selected: list[str]) -> dict:
    routing = route_text(text) if text and len(text.strip()) >= 3 else None
    suggested = [s.code for s in routing.suggestions] if routing else []
    # Topics ticked earlier stay visible (and ticked) when the suggestions change.
    kept = Topic.objects.filter(code__in=[c for c in selected if c not in suggested], is_active=True)
    return {"routing": routing, "selected": set(selected), "kept": kept}


def _parties(query: str, selected: str) -> list[parties.Party]:
    """Look-up results, keeping the business already chosen when a new search misses it."""
    found = parties.find_parties(query) if query else []
    if selected and selected not in (ANONYMOUS, NEW_COMPANY) and selected not in {p.key for p in found}:
        with contextlib.suppress(ValidationError):  # deleted meanwhile: the agent chooses again
            found.insert(0, parties.load_party(selected))
    return found


@role_required(Role.AGENT)
def register(request):
    if request.method == "POST":
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                inquiry, _token = register_from_form(form, request.user)
            except (WorkflowError, ValidationError) as exc:
                add_service_errors(form, exc, REGISTER_ERROR_FIELDS)
            else:
                messages.success(
                    request, _("Inquiry %(reference)s registered.") % {"reference": inquiry.reference}
                )
                return redirect(next_triage_url(inquiry))
        status = 400
        params = request.POST
    else:
        # GET: a fresh form, pre-filled from the address (the telephony screen-pop links here
        # with channel, phone and note; the no-JavaScript "find" button sends the whole form).
        params = request.GET
        phone = params.get("phone", "").strip()[:32]
        note = params.get("note", "").strip()[:2000]
        initial = {name: params.get(name) for name in RegisterForm.base_fields if params.get(name)}
        initial.setdefault(
            "channel", params.get("channel") if params.get("channel") in Channel.values else "phone"
        )
        if phone:
            initial.setdefault("contact_phone", phone)
            initial.setdefault("q", phone)
        if note:
            initial.setdefault("text", note)
            initial.setdefault("triage_q", note)
            initial.setdefault("subject", note.splitlines()[0][:120])
        form = RegisterForm(initial=initial)
        status = 200
    query = (params.get("q") or params.get("phone") or "").strip()[:100]
    selected_party = params.get("party", ANONYMOUS)
    found = _parties(query, selected_party)
    if request.method == "GET" and len(found) == 1 and "party" not in params:
        selected_party = found[0].key  # the screen-pop's caller is known: pick them
    context = {
        "form": form,
        "found": found,
        "query": query,
        "selected_party": selected_party,
        "all_topics": Topic.objects.filter(is_active=True).select_related("unit", "department"),
        **_suggestions(triage_text(params) or params.get("note", ""), params.getlist("topics")),
    }
    return render(request, "workspace/register.html", context, status=status)


@require_GET
@role_required(Role.AGENT)
def business_lookup(request):
    query = request.GET.get("q", "").strip()[:100]
    selected = request.GET.get("party", "")
    return render(
        request,
        "workspace/partials/business_results.html",
        {"found": _parties(query, selected), "query": query, "selected_party": selected or ANONYMOUS},
    )


@require_GET
@role_required(Role.AGENT)
def topic_suggestions(request):
    return render(
        request,
        "workspace/partials/topic_suggestions.html",
        _suggestions(triage_text(request.GET), request.GET.getlist("topics")),
    )
