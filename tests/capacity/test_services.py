"""Every change goes through a named function that validates and records who changed what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from erhvervskontakt.capacity import csvio, services
from erhvervskontakt.capacity.models import (
    ChangeKind,
    DayOverride,
    PlanChange,
    PlannedAgents,
    StaffingSettings,
)
from erhvervskontakt.capacity.selectors import aware, staffing_settings

QUEUE = "kc-erhvervskontakt"
NINE = aware(dt.datetime(2025, 4, 14, 9, 0))


def test_settings_default_to_80_percent_in_20_seconds(db):
    row = staffing_settings(QUEUE)
    assert row.pk is None
    assert (row.service_level_percent, row.service_level_seconds) == (80, 20)
    assert row.patience_seconds is None and row.aht_seconds is None


def test_settings_update_records_only_what_changed(manager):
    services.settings_update(
        QUEUE, {"service_level_percent": Decimal("90"), "service_level_seconds": 30}, actor=manager
    )
    row = StaffingSettings.objects.get(queue=QUEUE)
    assert (row.service_level_percent, row.service_level_seconds, row.updated_by) == (90, 30, manager)
    change = PlanChange.objects.get()
    assert change.kind == ChangeKind.SETTINGS and change.actor == manager
    assert change.details["changed"] == {
        "service_level_percent": {"from": "80", "to": "90"},
        "service_level_seconds": {"from": 20, "to": 30},
    }
    services.settings_update(QUEUE, {"service_level_seconds": 30}, actor=manager)
    assert PlanChange.objects.count() == 1  # no change, no record


@pytest.mark.parametrize(
    "values",
    [
        {"service_level_percent": Decimal("100")},
        {"shrinkage_percent": Decimal("95")},
        {"max_abandon_percent": Decimal("5")},  # without a patience
        {"max_occupancy_percent": Decimal("5")},
    ],
)
def test_settings_update_refuses_bad_values(manager, values):
    with pytest.raises(ValidationError):
        services.settings_update(QUEUE, values, actor=manager)
    assert not StaffingSettings.objects.exists() and not PlanChange.objects.exists()


def test_settings_page_saves_and_shows_errors(client, manager):
    client.force_login(manager)
    url = reverse("capacity:settings")
    data = {
        "queue": QUEUE,
        "service_level_percent": "90",
        "service_level_seconds": "30",
        "max_occupancy_percent": "85",
        "shrinkage_percent": "35",
        "patience_seconds": "",
        "max_abandon_percent": "4",
        "aht_seconds": "",
        "after_call_work_seconds": "15",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "A maximum abandonment needs a mean caller patience." in html and 'role="alert"' in html
    assert not StaffingSettings.objects.exists()
    saved = client.post(url, {**data, "patience_seconds": "200"})
    assert saved.status_code == 302
    row = StaffingSettings.objects.get()
    assert (row.service_level_percent, row.patience_seconds, row.after_call_work_seconds) == (90, 200, 15)
    assert "service_level_percent" in client.get(url).content.decode()  # the change log lists it


def test_overrides_are_set_changed_and_removed_with_a_record(manager):
    day = dt.date(2025, 4, 15)
    services.override_set(QUEUE, day, 500, "campaign", note="Kampagne", actor=manager)
    services.override_set(QUEUE, day, 650, "deadline", actor=manager)
    row = DayOverride.objects.get()
    assert (row.total_calls, row.reason, row.note) == (650, "deadline", "")
    assert services.override_remove(QUEUE, day, actor=manager)
    assert not services.override_remove(QUEUE, day, actor=manager)
    kinds = list(PlanChange.objects.order_by("pk").values_list("kind", "details__previous"))
    assert kinds == [
        (ChangeKind.OVERRIDE_SET, None),
        (ChangeKind.OVERRIDE_SET, 500),
        (ChangeKind.OVERRIDE_REMOVED, None),
    ]
    with pytest.raises(ValidationError):
        services.override_set(QUEUE, day, 10, "holiday-party", actor=manager)


def test_override_page_validates_the_date(client, manager, frozen_today):
    client.force_login(manager)
    url = reverse("capacity:overrides")
    past = client.post(url, {"queue": QUEUE, "day": "2025-04-01", "total_calls": "100", "reason": "campaign"})
    assert past.status_code == 200 and "Choose today or a later date." in past.content.decode()
    added = client.post(
        url, {"queue": QUEUE, "day": "2025-04-22", "total_calls": "800", "reason": "deadline"}
    )
    assert added.status_code == 302 and DayOverride.objects.get().total_calls == 800
    assert (
        client.post(reverse("capacity:override-remove"), {"queue": QUEUE, "day": "2025-04-22"}).status_code
        == 302
    )
    assert not DayOverride.objects.exists()


def test_planned_agents_set_creates_updates_and_removes(manager):
    half = dt.timedelta(minutes=30)
    change = services.planned_agents_set(QUEUE, {NINE: 5, NINE + half: 6}, actor=manager)
    assert (change.created, change.updated, change.removed) == (2, 0, 0)
    change = services.planned_agents_set(
        QUEUE, {NINE: 5, NINE + half: 7, NINE + 2 * half: None}, actor=manager
    )
    assert (change.created, change.updated, change.removed) == (0, 1, 0)
    change = services.planned_agents_set(QUEUE, {NINE: None}, actor=manager)
    assert change.removed == 1
    assert list(PlannedAgents.objects.values_list("agents", flat=True)) == [7]
    assert PlanChange.objects.filter(kind=ChangeKind.ROSTER).count() == 3
    with pytest.raises(ValueError, match="30-minute boundary"):
        services.planned_agents_set(QUEUE, {NINE + dt.timedelta(minutes=10): 1}, actor=manager)
    with pytest.raises(ValueError, match="between 0 and 999"):
        services.planned_agents_set(QUEUE, {NINE: 1000}, actor=manager)


def test_planned_agents_import_is_all_or_nothing(manager):
    good = "interval_start;agents\n2025-04-14 09:00;5\n14-04-2025 09:30;6\n2025-04-14T10:00+02:00;\n"
    change = services.planned_agents_import(QUEUE, good.encode(), actor=manager, filename="uge16.csv")
    assert change.created == 2
    assert PlanChange.objects.get().details["source"] == "uge16.csv"
    bad = "interval_start,agents\n2025-04-14 09:00,7\n2025-04-14 09:10,3\n2025-04-14 10:00,x\n"
    with pytest.raises(csvio.CsvError) as caught:
        services.planned_agents_import(QUEUE, bad.encode(), actor=manager)
    assert len(caught.value.errors) == 2
    assert caught.value.errors[0].startswith("Line 3:") and "half hour" in caught.value.errors[0]
    assert caught.value.errors[1].startswith("Line 4:")
    assert PlannedAgents.objects.get(interval_start=NINE).agents == 5  # unchanged


def test_roster_page_saves_fills_and_imports(client, manager, queue, call_history):
    client.force_login(manager)
    url = reverse("capacity:roster")
    page = client.get(url, {"week": "2025-04-14"})
    assert 'name="a-2025-04-14-0900"' in page.content.decode()
    assert 'name="a-2025-04-17-0900"' not in page.content.decode()  # Maundy Thursday is closed
    refused = client.post(url, {"week": "2025-04-14", "a-2025-04-14-0900": "many"})
    assert refused.status_code == 200 and "Enter a whole number from 0 to 999." in refused.content.decode()
    assert not PlannedAgents.objects.exists()
    assert client.post(url, {"week": "2025-04-14", "a-2025-04-14-0900": "4"}).status_code == 302
    assert PlannedAgents.objects.get().agents == 4
    assert client.post(reverse("capacity:roster-fill"), {"week": "2025-04-14"}).status_code == 302
    assert PlannedAgents.objects.count() == 3 * 14  # the open half hours; the 09:00 plan is kept
    assert PlannedAgents.objects.get(interval_start=NINE).agents == 4
    upload = csvio.io.BytesIO(b"interval_start,agents\n2025-04-14 09:00,9\n")
    upload.name = "roster.csv"
    imported = client.post(reverse("capacity:roster-import"), {"week": "2025-04-14", "file": upload})
    assert imported.status_code == 302
    assert PlannedAgents.objects.get(interval_start=NINE).agents == 9
    broken = csvio.io.BytesIO(b"when,agents\n")
    broken.name = "broken.csv"
    refused = client.post(reverse("capacity:roster-import"), {"week": "2025-04-14", "file": broken})
    assert refused.status_code == 200 and "must name the columns" in refused.content.decode()
