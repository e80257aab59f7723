"""Planned agents: edit the week's grid, fill it from the plan, or import a CSV file."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from erhvervskontakt.capacity import csvio, selectors, services
from erhvervskontakt.capacity.access import manager_required
from erhvervskontakt.capacity.forms import RosterImportForm
from erhvervskontakt.capacity.planning import PlanError
from erhvervskontakt.capacity.presentation import day_views
from erhvervskontakt.capacity.views.edit import _queue, _url
from erhvervskontakt.capacity.weekplan import WeekPlan, plan_for

_CELL = re.compile(r"a-(\d{4}-\d{2}-\d{2})-(\d{2})(\d{2})")


def cell_name(start: dt.datetime) -> str:
    return f"a-{start:%Y-%m-%d-%H%M}"


def _grid(week: WeekPlan, values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> dict:
    """Rows of the grid: one per visible half hour, one cell per shown day."""
    days = [day for day in day_views(week) if day.shown]
    rows = []
    for index in week.plan.visible_slots:
        cells = []
        for day in days:
            slot = day.plan.slots[index]
            name = cell_name(slot.start)
            value = (values or {}).get(name, "" if slot.planned is None else str(slot.planned))
            cells.append({"slot": slot, "name": name, "value": value, "error": (errors or {}).get(name)})
        rows.append({"time": week.plan.days[0].slots[index].start, "cells": cells})
    return {"grid_days": days, "grid_rows": rows}


def _start_of(name: str) -> dt.datetime:
    match = _CELL.fullmatch(name)
    return dt.datetime.fromisoformat(f"{match[1]}T{match[2]}:{match[3]}")


def _parse_cells(
    post, week: WeekPlan
) -> tuple[dict[dt.datetime, int | None], dict[str, str], dict[str, str]]:
    """Planned agents from the posted grid (only cells of this week), raw values, and errors per cell."""
    days = {day.day for day in week.plan.days}
    wanted: dict[dt.datetime, int | None] = {}
    raw: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name, value in post.items():
        match = _CELL.fullmatch(name)
        if not match:
            continue
        try:
            start = _start_of(name)
        except ValueError:
            continue
        if start.date() not in days or start.minute % 30:
            continue
        value = value.strip()
        raw[name] = value
        if value == "":
            wanted[start] = None
        elif value.isdigit() and int(value) <= 999:
            wanted[start] = int(value)
        else:
            errors[name] = _("Enter a whole number from 0 to 999.")
    return wanted, raw, errors


def _render(request, queue: str, week_start: dt.date, week: WeekPlan | None, **extra):
    context = {
        "queue": queue,
        "queue_label": selectors.queue_label(queue),
        "week_start": week_start,
        "week_end": week_start + dt.timedelta(days=6),
        "week": week,
        "import_form": extra.pop("import_form", None) or RosterImportForm(),
        **extra,
    }
    if week is not None and "grid_rows" not in context:
        context.update(_grid(week))
    return render(request, "capacity/roster.html", context)


@require_http_methods(["GET", "POST"])
@manager_required
def roster(request):
    """The week's planned agents as a grid of half hours by days, with the agents needed beside each."""
    _form, queue, week_start = _queue(request.GET if request.method == "GET" else request.POST)
    try:
        week = plan_for(queue, week_start, 7, with_backtest=False)
    except PlanError as exc:
        return _render(request, queue, week_start, None, plan_error=str(exc))
    if request.method == "POST":
        wanted, raw, errors = _parse_cells(request.POST, week)
        if errors:
            summary = [
                {"name": name, "label": date_format(_start_of(name), "l j. F H:i"), "error": error}
                for name, error in errors.items()
            ]
            return _render(request, queue, week_start, week, cell_errors=summary, **_grid(week, raw, errors))
        change = services.planned_agents_set(
            queue, {selectors.aware(start): agents for start, agents in wanted.items()}, actor=request.user
        )
        messages.success(
            request, _("Planned agents saved (%(count)d half hours changed).") % {"count": change.total}
        )
        return redirect(_url("capacity:roster", queue, week_start))
    return _render(request, queue, week_start, week)


@require_POST
@manager_required
def roster_fill(request):
    """Set every empty half hour with calls to the agents to roster (the plan's recommendation)."""
    _form, queue, week_start = _queue(request.POST)
    try:
        week = plan_for(queue, week_start, 7, with_backtest=False)
    except PlanError as exc:
        messages.error(request, str(exc))
        return redirect(_url("capacity:roster", queue, week_start))
    values = {
        selectors.aware(slot.start): slot.to_roster
        for slot in week.plan.slots
        if slot.planned is None and (slot.busy or slot.is_open) and slot.to_roster > 0
    }
    change = services.planned_agents_set(queue, values, actor=request.user, source="fill")
    messages.success(
        request, _("%(count)d empty half hours filled with the agents to roster.") % {"count": change.total}
    )
    return redirect(_url("capacity:roster", queue, week_start))


@require_POST
@manager_required
def roster_import(request):
    """Import planned agents from a CSV file; all lines are checked first, one bad line and none is saved."""
    _form, queue, week_start = _queue(request.POST)
    form = RosterImportForm(request.POST, request.FILES)
    import_errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            change = services.planned_agents_import(
                queue, upload.read(), actor=request.user, filename=upload.name
            )
        except csvio.CsvError as exc:
            import_errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported: %(created)d half hours added, %(updated)d changed, %(removed)d removed.")
                % {"created": change.created, "updated": change.updated, "removed": change.removed},
            )
            return redirect(_url("capacity:roster", queue, week_start))
    try:
        week = plan_for(queue, week_start, 7, with_backtest=False)
    except PlanError:
        week = None
    return _render(request, queue, week_start, week, import_form=form, import_errors=import_errors)
