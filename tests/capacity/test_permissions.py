"""Capacity planning is for managers only: everyone else gets 403, anonymous visitors the login page."""

from __future__ import annotations

from django.urls import reverse

from erhvervskontakt.capacity.models import DayOverride, PlanChange, PlannedAgents, StaffingSettings

PAGES = ["capacity:plan", "capacity:plan-csv", "capacity:settings", "capacity:overrides", "capacity:roster"]
ACTIONS = [
    ("capacity:simulate", {"sim-day": "2025-04-14", "sim-staff": "required"}),
    ("capacity:settings", {"service_level_percent": "90", "service_level_seconds": "30"}),
    ("capacity:overrides", {"day": "2099-01-05", "total_calls": "500", "reason": "campaign"}),
    ("capacity:override-remove", {"day": "2099-01-05"}),
    ("capacity:roster", {"a-2099-01-05-0900": "5"}),
    ("capacity:roster-fill", {}),
    ("capacity:roster-import", {}),
]
REFUSED = ["agent", "caseworker_a", "unit_contact_a", "editor", "administrator", "outsider"]


def test_everyone_but_managers_is_refused(client, personas):
    for persona in REFUSED:
        client.force_login(getattr(personas, persona))
        for name in PAGES:
            assert client.get(reverse(name)).status_code == 403, (persona, name)
        for name, data in ACTIONS:
            assert client.post(reverse(name), data).status_code == 403, (persona, name)
    # Nothing was written on their behalf.
    assert not StaffingSettings.objects.exists()
    assert not DayOverride.objects.exists()
    assert not PlannedAgents.objects.exists()
    assert not PlanChange.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    login = reverse("staff-login")
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(login), name
    for name, data in ACTIONS:
        response = client.post(reverse(name), data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(login), name


def test_the_manager_sees_the_pages_and_the_nav_entry(client, manager):
    client.force_login(manager)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == 200, name
    assert f'href="{reverse("capacity:plan")}"' in client.get(reverse("capacity:plan")).content.decode()
