"""Pages that change planning data: a queue's settings and its day overrides."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from erhvervskontakt.capacity import selectors, services
from erhvervskontakt.capacity.access import manager_required
from erhvervskontakt.capacity.forms import OverrideForm, QueueWeekForm, StaffingSettingsForm
from erhvervskontakt.capacity.weekplan import choose_aht
from erhvervskontakt.core import clock


def _queue(data) -> tuple[QueueWeekForm, str, dt.date]:
    form = QueueWeekForm(data)
    form.is_valid()
    queue, week = form.queue_and_week()
    return form, queue, week


def _url(name: str, queue: str, week: dt.date | None = None) -> str:
    params = {"queue": queue}
    if week is not None:
        params["week"] = week.isoformat()
    return f"{reverse(name)}?{urlencode(params)}"


@require_http_methods(["GET", "POST"])
@manager_required
def settings_edit(request):
    """Edit a queue's targets and assumptions; every save is recorded with its changes."""
    query, queue, week = _queue(request.GET if request.method == "GET" else request.POST)
    current = selectors.staffing_settings(queue)
    if request.method == "POST":
        form = StaffingSettingsForm(request.POST, instance=selectors.staffing_settings(queue))
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in services.SETTINGS_FIELDS}
            try:
                services.settings_update(queue, values, actor=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("The settings for %(queue)s are saved.") % {"queue": queue})
                return redirect(_url("capacity:plan", queue, week))
    else:
        form = StaffingSettingsForm(instance=current)
    history = selectors.history(queue, clock.today() - dt.timedelta(days=1), 8)
    aht, source = choose_aht(current, history.talk_seconds)
    return render(
        request,
        "capacity/settings.html",
        {
            "form": form,
            "query": query,
            "queue": queue,
            "queue_label": selectors.queue_label(queue),
            "week_start": week,
            "talk_seconds": history.talk_seconds,
            "aht": aht,
            "aht_source": source,
            "changes": selectors.recent_changes(queue),
        },
    )


@require_http_methods(["GET", "POST"])
@manager_required
def overrides(request):
    """List and add day overrides (a campaign or a deadline that the history cannot know about)."""
    query, queue, week = _queue(request.GET if request.method == "GET" else request.POST)
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            services.override_set(
                queue, data["day"], data["total_calls"], data["reason"], note=data["note"], actor=request.user
            )
            messages.success(
                request,
                _("%(day)s now expects %(calls)d calls.")
                % {"day": data["day"].isoformat(), "calls": data["total_calls"]},
            )
            return redirect(_url("capacity:overrides", queue, week))
    else:
        form = OverrideForm(initial={"day": request.GET.get("day") or None})
    return render(
        request,
        "capacity/overrides.html",
        {
            "form": form,
            "query": query,
            "queue": queue,
            "queue_label": selectors.queue_label(queue),
            "week_start": week,
            "overrides": selectors.upcoming_overrides(queue, clock.today() - dt.timedelta(weeks=4)),
            "today": clock.today(),
        },
    )


@require_POST
@manager_required
def override_remove(request):
    _query, queue, week = _queue(request.POST)
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, _("That override does not exist."))
        return redirect(_url("capacity:overrides", queue, week))
    if services.override_remove(queue, day, actor=request.user):
        messages.success(request, _("The override of %(day)s is removed.") % {"day": day.isoformat()})
    else:
        messages.error(request, _("That override does not exist."))
    return redirect(_url("capacity:overrides", queue, week))
