"""The lists: a unit's queue, the callbacks to make, and the inquiry search."""

from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core import clock
from erhvervskontakt.inquiries import access, services
from erhvervskontakt.inquiries.services import WorkflowError, contact_centre_unit
from erhvervskontakt.inquiries.workflow import InquiryStatus, MatterStatus
from erhvervskontakt.organisation.models import Unit
from erhvervskontakt.organisation.roles import Role, has_role, unit_id_of
from erhvervskontakt.workspace import queries
from erhvervskontakt.workspace.decorators import staff_required
from erhvervskontakt.workspace.forms import CallbackDoneForm, staff_label, unit_staff
from erhvervskontakt.workspace.templatetags.workspace_tags import due_label
from erhvervskontakt.workspace.views.common import safe_next


def _chosen_unit(request) -> Unit:
    """The unit whose list is shown: one's own unit; agents and managers may pick any."""
    own = unit_id_of(request.user)
    wanted = request.GET.get("unit", "")
    if has_role(request.user, Role.AGENT, Role.MANAGER):
        if wanted.isdigit():
            unit = Unit.objects.filter(pk=int(wanted)).first()
            if unit is None:
                raise Http404
            return unit
        return Unit.objects.get(pk=own) if own else contact_centre_unit()
    if not own:
        raise PermissionDenied
    if wanted and wanted != str(own):
        raise PermissionDenied
    return Unit.objects.get(pk=own)


_choices_cache: dict[tuple, tuple[float, list]] = {}


def _cached_choices(key: tuple, build) -> list:
    """Filter choices (a unit's people and topics) kept a minute per process: they change
    rarely, and two queries fewer per page matter on a busy queue."""
    now = time.monotonic()
    hit = _choices_cache.get(key)
    if hit is None or hit[0] < now:
        hit = _choices_cache[key] = (now + 60, build())
    return hit[1]


def _units_to_choose(request):
    if has_role(request.user, Role.AGENT, Role.MANAGER):
        return Unit.objects.filter(is_active=True).select_related("department")
    return []


@staff_required
def unit_queue(request):
    unit = _chosen_unit(request)
    topic = request.GET.get("topic", "")
    filters = queries.QueueFilters(
        status=request.GET.get("status", ""),
        assignee=request.GET.get("assignee", ""),
        topic=int(topic) if topic.isdigit() else None,
        overdue=request.GET.get("overdue") == "1",
    )
    page = queries.queue_page(request.user, unit.pk, filters, cursor=request.GET.get("after", ""))
    # Each row is made of ready strings here: resolving attributes, filters and tags row by
    # row in the template was most of a queue page's cost.
    inquiry_url = reverse("workspace:inquiry", args=["REF"])
    claim_url = reverse("workspace:matter-action", args=["REF", 0, "claim"])
    rows = []
    for matter in page.matters:
        inquiry = matter.inquiry
        due_text, due_css = due_label(
            queries.working_days_left(matter.due_at), matter.status == MatterStatus.AWAITING_BUSINESS
        )
        can_claim = matter.assignee_id != request.user.pk and access.can_act_on_matter(request.user, matter)
        rows.append(
            {
                "reference": inquiry.reference,
                "url": inquiry_url.replace("REF", inquiry.reference),
                "subject": Truncator(inquiry.subject).chars(70),
                "company": inquiry.company.name if inquiry.company_id else "–",
                "topic": matter.topic.name,
                "transfers": matter.transfer_count if matter.transfer_count > 1 else 0,
                "status": matter.get_status_display(),
                "assignee": staff_label(matter.assignee) if matter.assignee_id else "–",
                "due_date": date_format(clock.local(matter.due_at).date(), "d-m-Y"),
                "due_text": due_text,
                "due_css": due_css,
                "claim_url": claim_url.replace("REF", inquiry.reference).replace("/0/", f"/{matter.pk}/")
                if can_claim
                else "",
            }
        )
    query = request.GET.copy()
    query.pop("after", None)
    next_query = query.copy()
    next_query["after"] = page.next_cursor
    return render(
        request,
        "workspace/queue.html",
        {
            "unit": unit,
            "units": _units_to_choose(request),
            "rows": rows,
            "counts": page.counts,
            "filters": filters,
            "statuses": [(s, MatterStatus(s).label) for s in queries.OPEN_STATUSES],
            "staff": _cached_choices(
                ("staff", unit.pk), lambda: [(str(u.pk), staff_label(u)) for u in unit_staff(unit.pk)]
            ),
            "topics": _cached_choices(
                ("topics", unit.pk, get_language()),
                lambda: [(t.pk, t.name) for t in Topic.objects.filter(unit=unit).order_by("name_da")],
            ),
            "next_url": f"?{next_query.urlencode()}" if page.next_cursor else "",
            "first_url": f"?{query.urlencode()}" if request.GET.get("after") else "",
            "here": request.get_full_path(),
        },
    )


@staff_required
def callbacks(request):
    unit = _chosen_unit(request)
    mine = request.GET.get("mine") == "1"
    pending = list(queries.callbacks_for(request.user, unit_id=unit.pk, mine=mine)[:100])
    done = list(queries.callbacks_for(request.user, unit_id=unit.pk, pending=False, mine=mine)[:20])
    return render(
        request,
        "workspace/callbacks.html",
        {
            "unit": unit,
            "units": _units_to_choose(request),
            "mine": mine,
            "pending": [
                {
                    "callback": c,
                    "can_act": access.can_act_on_callback(request.user, c),
                    "form": CallbackDoneForm(prefix=f"cb{c.pk}"),
                }
                for c in pending
            ],
            "done": done,
            "here": request.get_full_path(),
        },
    )


@require_POST
@staff_required
def callback_done(request, pk: int):
    callback = access.visible_callbacks(request.user).select_related("matter").filter(pk=pk).first()
    if callback is None:
        # Not visible (or not there): a refusal either way, without telling which.
        raise PermissionDenied
    if not access.can_act_on_callback(request.user, callback):
        raise PermissionDenied
    form = CallbackDoneForm(request.POST, prefix=f"cb{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose whether the business was reached."))
    else:
        try:
            services.callback_complete(
                callback,
                actor=request.user,
                reached=form.cleaned_data["reached"],
                note=form.cleaned_data["note"],
            )
        except WorkflowError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request,
                _("Marked as called.") if form.cleaned_data["reached"] else _("Marked as not reached."),
            )
    return redirect(safe_next(request, reverse("workspace:callbacks")))


@staff_required
def search(request):
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in InquiryStatus.values:
        status = ""
    result = queries.search_inquiries(request.user, query, status=status)
    return render(
        request,
        "workspace/search.html",
        {
            "query": query,
            "status": status,
            "statuses": InquiryStatus.choices,
            "result": result,
            "limit": queries.SEARCH_LIMIT,
            "too_short": bool(query) and not result.kind,
        },
    )
