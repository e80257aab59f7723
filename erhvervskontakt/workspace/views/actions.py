"""Actions on one matter: a page with the form (GET) and the service call (POST).

Each action names its form and the service function it calls; a refusal by the rules comes
back as a message next to the field it concerns, a refusal by permission as a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erhvervskontakt.catalogue.models import TriageNode
from erhvervskontakt.inquiries import access, services
from erhvervskontakt.inquiries.services import ForwardNote, WorkflowError
from erhvervskontakt.workspace import forms
from erhvervskontakt.workspace.decorators import staff_required
from erhvervskontakt.workspace.triage import links_text, prefill_for
from erhvervskontakt.workspace.views.common import (
    add_service_errors,
    inquiry_for,
    matter_for,
    next_triage_url,
    safe_next,
)

# Service refusal codes → the form field the message belongs next to.
ERROR_FIELDS = {
    "text": "text",
    "answer": "answer",
    "outcome": "outcome",
    "reason_required": "reason",
    "note": "wants",
    "same_unit": "to_unit",
    "assignee": "assignee",
    "phone": "phone",
    "window": "day",
    "no_email": None,
}


def _claim(request, matter, form):
    services.matter_assign(matter, actor=request.user, assignee=request.user)
    return _("You now handle the matter.")


def _assign(request, matter, form):
    services.matter_assign(matter, actor=request.user, assignee=form.cleaned_data["assignee"])
    return _("Assignment changed.")


def _reply(request, matter, form):
    services.matter_reply(matter, actor=request.user, text=form.cleaned_data["text"])
    return _("Reply queued for sending by email.")


def _call(request, matter, form):
    data = form.cleaned_data
    services.matter_log_call(
        matter, actor=request.user, text=data["text"], direction=data["direction"], public=data["public"]
    )
    return _("Phone call logged.")


def _request_info(request, matter, form):
    services.matter_request_info(matter, actor=request.user, text=form.cleaned_data["text"])
    return _("Information requested; the due date is paused until the business answers.")


def _business_replied(request, matter, form):
    services.inquiry_business_replied(
        matter.inquiry,
        text=form.cleaned_data["text"],
        via=form.cleaned_data["via"],
        actor=request.user,
        matter=matter,
    )
    return _("The business's answer is recorded; processing has resumed.")


def _close(request, matter, form):
    services.matter_close(
        matter, actor=request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
    )
    return _("Matter closed.")


def _reopen(request, matter, form):
    services.matter_reopen(matter, actor=request.user, reason=form.cleaned_data["reason"])
    return _("Matter reopened.")


def _answer(request, matter, form):
    services.matter_answer_first_contact(
        matter, actor=request.user, answer=form.cleaned_data["answer"], outcome=form.cleaned_data["outcome"]
    )
    return _("Answered at first contact.")


def _send_links(request, matter, form):
    services.matter_send_links(
        matter, actor=request.user, text=form.cleaned_data["text"], close=form.cleaned_data["close"]
    )
    return _("Links queued for sending by email.")


def _forward(request, matter, form):
    data = form.cleaned_data
    services.matter_forward(
        matter,
        to_unit=data["to_unit"],
        actor=request.user,
        note=ForwardNote(wants=data["wants"], told=data["told"], documents=data["documents"]),
        reason=data["reason"],
        assignee=data["assignee"],
    )
    return _("Forwarded to %(unit)s.") % {"unit": data["to_unit"].name}


def _callback(request, matter, form):
    data = form.cleaned_data
    unit = data["unit"]
    if unit.pk != matter.unit_id:
        # The unit that calls also handles the matter: it needs to see the inquiry.
        services.matter_forward(
            matter,
            to_unit=unit,
            actor=request.user,
            note=ForwardNote(
                wants=data["note"] or matter.inquiry.subject, told=_("A callback has been booked.")
            ),
            assignee=data["assignee"],
        )
        matter.refresh_from_db()
    services.callback_book(
        matter,
        actor=request.user,
        phone=data["phone"],
        window_start=data["window_start"],
        window_end=data["window_end"],
        unit=unit,
        assignee=data["assignee"],
        note=data["note"],
    )
    return _("Callback booked.")


@dataclass(frozen=True)
class Action:
    title: Any
    form: type
    run: Any
    needs_matter: bool = False  # the form's choices depend on the matter
    prefix: str = ""


ACTIONS = {
    "claim": Action(gettext_lazy("Take the matter"), forms.ClaimForm, _claim),
    "assign": Action(gettext_lazy("Reassign within the unit"), forms.AssignForm, _assign, needs_matter=True),
    "reply": Action(gettext_lazy("Reply by email"), forms.ReplyForm, _reply, prefix="reply"),
    "call": Action(gettext_lazy("Log a phone call"), forms.CallForm, _call, prefix="call"),
    "request-info": Action(
        gettext_lazy("Request missing information"), forms.RequestInfoForm, _request_info, prefix="info"
    ),
    "business-replied": Action(
        gettext_lazy("Record the business's answer"),
        forms.BusinessRepliedForm,
        _business_replied,
        prefix="answer",
    ),
    "close": Action(gettext_lazy("Close with an outcome"), forms.CloseForm, _close, prefix="close"),
    "reopen": Action(gettext_lazy("Reopen"), forms.ReopenForm, _reopen),
    "answer": Action(gettext_lazy("Answer now"), forms.AnswerForm, _answer),
    "send-links": Action(gettext_lazy("Send form or guide"), forms.SendLinksForm, _send_links),
    "forward": Action(gettext_lazy("Forward to a unit"), forms.ForwardForm, _forward, needs_matter=True),
    "callback": Action(gettext_lazy("Book a callback"), forms.CallbackForm, _callback, needs_matter=True),
}


def _form(action: Action, matter, data=None, initial=None):
    kwargs: dict = {"initial": initial or {}}
    if action.prefix:
        kwargs["prefix"] = f"m{matter.pk}-{action.prefix}"
    if action.needs_matter:
        kwargs["matter"] = matter
    return action.form(data, **kwargs) if data is not None else action.form(**kwargs)


@staff_required
def matter_action(request, reference: str, matter_id: int, action: str):
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    inquiry = inquiry_for(request, reference)
    matter = matter_for(request, inquiry, matter_id)
    if not access.can_act_on_matter(request.user, matter):
        raise PermissionDenied
    node = None
    if request.method == "POST":
        form = _form(spec, matter, data=request.POST)
        if form.is_valid():
            try:
                message = spec.run(request, matter, form)
            except WorkflowError as exc:
                add_service_errors(form, exc, ERROR_FIELDS)
            else:
                messages.success(request, message)
                return redirect(_after(request, inquiry))
        status = 400
    else:
        node_id = request.GET.get("node", "")
        if node_id.isdigit():
            node = TriageNode.objects.filter(pk=int(node_id), topic_id=matter.topic_id).first()
        form = _form(spec, matter, initial=prefill_for(action, matter, node))
        status = 200
    return render(
        request,
        "workspace/action.html",
        {
            "inquiry": inquiry,
            "matter": matter,
            "form": form,
            "action": action,
            "title": spec.title,
            "node": node,
            "next": request.POST.get("next") or request.GET.get("next", ""),
            "links_text": links_text(matter) if action == "send-links" else "",
        },
        status=status,
    )


def _after(request, inquiry) -> str:
    """Back to the triage of the next matter, or to the inquiry, or (when it left the user's
    unit) to the user's queue."""
    inquiry.refresh_from_db()
    if request.POST.get("next") == "triage":
        return next_triage_url(inquiry)
    if not access.can_view_inquiry(request.user, inquiry):
        return reverse("workspace:unit-queue")
    return safe_next(request, reverse("workspace:inquiry", args=[inquiry.reference]))
