"""The plan page with a small history: forecast, closed holidays, overrides, what-if, CSV, simulation."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from erhvervskontakt.capacity import services
from erhvervskontakt.capacity.models import PlanChange, StaffingSettings
from erhvervskontakt.capacity.selectors import aware
from tests.capacity.conftest import HOLIDAYS_IN_PLAN_WEEK, PLAN_WEEK

WEEK = {"week": PLAN_WEEK.isoformat()}
MONDAY_10 = dt.datetime(2025, 4, 14, 10, 0)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def get_plan(client, **params):
    response = client.get(reverse("capacity:plan"), {**WEEK, **params})
    assert response.status_code == 200
    return response


def test_the_plan_forecasts_the_open_days_and_closes_the_holidays(manager_client, call_history):
    response = get_plan(manager_client)
    plan = response.context["plan"]
    assert plan.method == "holt_winters"
    assert plan.backtest is not None and plan.backtest.weeks == 2
    days = {day.day: day for day in plan.days}
    for open_day in (dt.date(2025, 4, 14), dt.date(2025, 4, 15), dt.date(2025, 4, 16)):
        assert days[open_day].calls > 100
        assert days[open_day].peak_to_roster > 0
    assert days[dt.date(2025, 4, 14)].calls > days[dt.date(2025, 4, 16)].calls  # Monday peak
    for closed in (*HOLIDAYS_IN_PLAN_WEEK, dt.date(2025, 4, 19), dt.date(2025, 4, 20)):
        assert all(slot.calls == 0 and slot.to_roster == 0 for slot in days[closed].slots), closed
    # No calls are forecast outside the opening hours (09:00-16:00).
    monday = days[dt.date(2025, 4, 14)]
    assert all(slot.calls == 0 for slot in monday.slots if not 9 <= slot.start.hour < 16)
    html = response.content.decode()
    assert "Skærtorsdag" in html and "Langfredag" in html
    assert "chart-calls-title" in html and "chart-agents-title" in html
    assert "Naive: same half hour last week" in html


def test_a_day_override_replaces_the_total_and_keeps_the_shape(manager_client, manager, queue, call_history):
    before = get_plan(manager_client).context["plan"]
    services.override_set(queue, dt.date(2025, 4, 15), 600, "campaign", note="Brev til alle", actor=manager)
    after = get_plan(manager_client).context["plan"]
    tuesday_before, tuesday = before.days[1], after.days[1]
    assert tuesday.override == 600
    assert tuesday.calls == pytest.approx(600)
    assert tuesday.peak_to_roster > tuesday_before.peak_to_roster
    peak_before = max(tuesday_before.slots, key=lambda slot: slot.calls).start
    assert max(tuesday.slots, key=lambda slot: slot.calls).start == peak_before
    assert after.days[0].calls == pytest.approx(before.days[0].calls)  # other days are untouched
    # An override on a holiday opens it.
    services.override_set(queue, HOLIDAYS_IN_PLAN_WEEK[0], 120, "deadline", actor=manager)
    assert get_plan(manager_client).context["plan"].days[3].calls == pytest.approx(120)


def test_planned_agents_give_expected_service_level_and_shortfalls(
    manager_client, manager, queue, call_history
):
    plan = get_plan(manager_client).context["plan"]
    slot = plan.slot(MONDAY_10)
    enough, short = slot.to_roster, slot.to_roster - 3
    services.planned_agents_set(
        queue,
        {aware(MONDAY_10): enough, aware(MONDAY_10 + dt.timedelta(minutes=30)): short},
        actor=manager,
    )
    plan = get_plan(manager_client).context["plan"]
    ok, missing = plan.slot(MONDAY_10), plan.slot(MONDAY_10 + dt.timedelta(minutes=30))
    assert ok.on_phones >= ok.required.agents and ok.expected.service_level >= 0.8
    assert missing.short_by == 3 and missing.expected.service_level < ok.expected.service_level
    assert plan.days[0].understaffed_slots == 1
    assert plan.expected_service_level is not None


def test_what_if_recomputes_without_saving(manager_client, call_history):
    saved = get_plan(manager_client).context["plan"]
    response = manager_client.get(
        reverse("capacity:plan"), {**WEEK, "sl": "90", "seconds": "30", "aht": "300"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # only the recomputed part
    assert 'hx-swap-oob="innerHTML"' in html
    plan = response.context["plan"]
    assert plan.targets.service_level == pytest.approx(0.9)
    assert plan.targets.target_seconds == 30 and plan.targets.aht_seconds == 300
    assert plan.hours_to_roster > saved.hours_to_roster  # longer calls need more agents
    assert "What-if" in html
    assert not StaffingSettings.objects.exists() and not PlanChange.objects.exists()


def test_what_if_errors_are_shown_next_to_the_field(manager_client, call_history):
    response = manager_client.get(reverse("capacity:plan"), {**WEEK, "sl": "150"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_sl_error"' in html and 'aria-invalid="true"' in html
    assert response.context["plan"].targets.service_level == pytest.approx(0.8)  # the saved target


def test_erlang_a_when_patience_is_set(manager_client, manager, queue, call_history):
    services.settings_update(queue, {"patience_seconds": 180, "max_abandon_percent": 3}, actor=manager)
    response = get_plan(manager_client)
    slot = response.context["plan"].slot(MONDAY_10)
    assert slot.required_a is not None and slot.required_a.p_abandon <= 0.03
    assert slot.to_roster == slot.required_a.agents_with_shrinkage
    html = response.content.decode()
    assert "Needed on the phones (Erlang A)" in html
    assert "share of all callers who phone in that are answered within the target time" in html


def test_csv_export_has_every_open_half_hour(manager_client, manager, queue, call_history):
    services.planned_agents_set(queue, {aware(MONDAY_10): 12}, actor=manager)
    response = manager_client.get(reverse("capacity:plan-csv"), WEEK)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "capacity-plan-kc-erhvervskontakt-2025-04-14-1w.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 * 14  # Monday-Wednesday, 09:00-16:00; the holidays and weekend are closed
    assert {row["date"] for row in rows} == {"2025-04-14", "2025-04-15", "2025-04-16"}
    monday_10 = next(row for row in rows if row["interval_start"] == "2025-04-14T10:00+02:00")
    plan = get_plan(manager_client).context["plan"]
    slot = plan.slot(MONDAY_10)
    assert float(monday_10["forecast_calls"]) == pytest.approx(slot.calls, abs=0.01)
    assert int(monday_10["required_agents_erlang_c"]) == slot.required_c.agents
    assert int(monday_10["agents_to_roster"]) == slot.to_roster
    assert monday_10["planned_agents"] == "12" and monday_10["agents_on_phones"] == "8"
    assert float(monday_10["expected_service_level"]) == pytest.approx(slot.expected.service_level, abs=1e-4)
    assert monday_10["required_agents_erlang_a"] == ""


def test_four_week_export_uses_the_what_if_targets(manager_client, call_history):
    response = manager_client.get(reverse("capacity:plan-csv"), {**WEEK, "weeks": "4", "aht": "400"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["aht_seconds"] for row in rows} == {"400"}
    assert rows[-1]["date"] >= "2025-05-05"


def test_check_by_simulation_of_one_interval(manager_client, call_history, settings):
    settings.CAPACITY_SIMULATION_MAX_CALLS = 4000
    response = manager_client.post(
        reverse("capacity:simulate"),
        {**WEEK, "sim-day": "2025-04-14", "sim-slot": "10:00", "sim-staff": "required"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    check = response.context["check"]
    assert [row.slot.start for row in check.rows] == [MONDAY_10]
    row = check.rows[0]
    assert row.simulated_calls <= 4000 + 10 * 60  # the budget plus one warm-up interval per run
    assert abs(row.mean["service_level"] - row.formula.service_level) < 0.1
    assert "Service level: simulated" in response.content.decode()


def test_check_by_simulation_reports_what_it_cannot_simulate(manager_client, call_history):
    response = manager_client.post(
        reverse("capacity:simulate"), {**WEEK, "sim-day": "2025-04-14", "sim-staff": "planned"}
    )
    assert response.status_code == 200  # without htmx: a page of its own
    check = response.context["check"]
    assert not check.rows and len(check.skipped) == 14  # nothing is planned yet
    assert "no planned agents" in response.content.decode()
    bad = manager_client.post(
        reverse("capacity:simulate"), {**WEEK, "sim-day": "2031-01-01", "sim-staff": "x"}
    )
    assert bad.status_code == 200 and bad.context["check"] is None and bad.context["error"]


def test_without_history_the_page_says_so(manager_client):
    response = get_plan(manager_client)
    assert response.context["plan"].method == "none"
    assert "no call statistics for this queue" in response.content.decode()


def test_bad_week_and_queue_fall_back_with_a_message(manager_client, frozen_today):
    response = manager_client.get(reverse("capacity:plan"), {"week": "2031-01-01", "queue": "nope"})
    assert response.status_code == 200
    assert response.context["week_start"] == dt.date(2025, 4, 7)
    assert response.context["queue"] == "kc-erhvervskontakt"
    html = response.content.decode()
    assert "Plans reach 12 weeks ahead" in html
    assert 'id="id_queue_error"' in html


def test_a_plan_that_cannot_be_computed_is_explained_not_a_server_error(
    manager_client, call_history, monkeypatch
):
    def impossible(rows, **defaults):
        raise ValueError("no number of agents meets these targets")

    monkeypatch.setattr("erhvervskontakt.capacity.planning.erlang.plan", impossible)
    page = get_plan(manager_client)
    assert "The plan cannot be computed" in page.content.decode()
    assert manager_client.get(reverse("capacity:plan-csv"), WEEK).status_code == 400
    roster = manager_client.get(reverse("capacity:roster"), WEEK)
    assert roster.status_code == 200 and "The plan cannot be computed" in roster.content.decode()
