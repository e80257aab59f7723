"""The plan page, its CSV export, the what-if recomputation and the simulation check."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from erhvervskontakt.capacity import checks, csvio, selectors
from erhvervskontakt.capacity.access import manager_required
from erhvervskontakt.capacity.forms import QueueWeekForm, SimulationForm, WhatIfForm
from erhvervskontakt.capacity.planning import PlanError
from erhvervskontakt.capacity.presentation import day_label, day_views, week_charts
from erhvervskontakt.capacity.weekplan import WeekPlan, monday_of, plan_for
from erhvervskontakt.core import clock


def _query(data) -> tuple[QueueWeekForm, str, dt.date]:
    form = QueueWeekForm(data)
    form.is_valid()
    queue, week = form.queue_and_week()
    return form, queue, week


def _simulation_form(week: WeekPlan, data=None) -> SimulationForm:
    days = [
        (day.day, day_label(day.day)) for day in week.plan.days if day.is_open or day.override is not None
    ]
    slots = [week.plan.days[0].slots[index].start.time() for index in week.plan.visible_slots]
    return SimulationForm(data, days=days, slots=slots, prefix="sim")


def _context(form, queue: str, week_start: dt.date, what_if_form: WhatIfForm) -> dict:
    what_if = what_if_form.what_if()
    raw = what_if_form.data
    csv_what_if = (
        urlencode({name: raw[name] for name in ("sl", "seconds", "aht") if raw.get(name)}) if what_if else ""
    )
    context = {
        "query": form,
        "queue": queue,
        "queue_label": selectors.queue_label(queue),
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
        "week_number": week_start.isocalendar().week,
        "previous_week": week_start - dt.timedelta(weeks=1),
        "next_week": week_start + dt.timedelta(weeks=1),
        "this_week": monday_of(clock.today()),
        "what_if_form": what_if_form,
        "what_if": what_if,
        "csv_what_if": csv_what_if,
        "plan_error": None,
        "week": None,
    }
    try:
        week = plan_for(queue, week_start, 7, what_if=what_if)
    except PlanError as exc:
        context["plan_error"] = str(exc)
        return context
    days = day_views(week)
    context.update(
        week=week,
        plan=week.plan,
        days=days,
        shown_days=[day for day in days if day.shown],
        charts=week_charts(days),
        simulation_form=_simulation_form(week),
        erlang_a=week.plan.targets.patience_seconds is not None,
        has_actual=any(slot.actual is not None for slot in week.plan.slots),
    )
    return context


@require_GET
@manager_required
def plan(request):
    """The week plan; an htmx what-if request gets only the recomputed part (nothing is saved)."""
    form, queue, week_start = _query(request.GET)
    context = _context(form, queue, week_start, WhatIfForm(request.GET))
    if request.htmx:
        return render(request, "capacity/_plan_main.html", context)
    return render(request, "capacity/plan.html", context)


@require_GET
@manager_required
def plan_csv(request):
    """The plan (1-4 weeks from the chosen one) as CSV, with the same what-if targets as the page."""
    form, queue, week_start = _query(request.GET)
    try:
        weeks = min(4, max(1, int(request.GET.get("weeks", "1"))))
    except ValueError:
        weeks = 1
    what_if = WhatIfForm(request.GET).what_if()
    try:
        week = plan_for(queue, week_start, 7 * weeks, what_if=what_if, with_backtest=False)
    except PlanError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(csvio.plan_csv(week), content_type="text/csv; charset=utf-8")
    name = f"capacity-plan-{queue}-{week_start.isoformat()}-{weeks}w.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@manager_required
def simulate(request):
    """Run the simulation check for one interval or a whole day (bounded; see checks.py)."""
    form, queue, week_start = _query(request.POST)
    what_if = WhatIfForm(request.POST).what_if()
    context = {"queue": queue, "week_start": week_start, "check": None, "error": None}
    try:
        week = plan_for(queue, week_start, 7, what_if=what_if, with_backtest=False)
    except PlanError as exc:
        context["error"] = str(exc)
        week = None
    if week is not None:
        sim_form = _simulation_form(week, request.POST)
        context["simulation_form"] = sim_form
        if sim_form.is_valid():
            day = next(d for d in week.plan.days if d.day == sim_form.cleaned_data["day"])
            slot_time = sim_form.cleaned_data["slot"]
            slots = [s for s in day.slots if slot_time is None or s.start.time() == slot_time]
            check = checks.check_by_simulation(
                slots,
                week.plan.targets,
                staff=sim_form.cleaned_data["staff"],
                max_calls=settings.CAPACITY_SIMULATION_MAX_CALLS,
                max_seconds=settings.CAPACITY_SIMULATION_SECONDS,
                seed=day.day.toordinal(),
            )
            context.update(
                check=check, day_label=day_label(day.day), erlang_a=week.plan.targets.patience_seconds
            )
            if not check.rows and not check.skipped:
                context["error"] = _(
                    "No calls are forecast in the chosen interval, so there is nothing to check."
                )
        else:
            context["error"] = _("Choose a day of the week shown and an interval.")
    template = "capacity/_simulation.html" if request.htmx else "capacity/simulation_page.html"
    return render(request, template, context)
