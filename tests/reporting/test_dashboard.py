"""The live dashboard on Wed 14 Jan 2026 at 10:00, for the story in conftest.py.

Open then: I7 skilte (unit A, new, due Thu 4 Dec: overdue), I9 udeservering (unit A, waiting for
the business), I8 alkoholbevilling (unit B, new, due Wed 14 Jan: due today).
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from erhvervskontakt.reporting import dashboard
from erhvervskontakt.telephony.models import IntervalStatistic
from tests.reporting.conftest import at, moment

# The story is shared by the module's tests (see conftest.py); each test runs in a savepoint.
pytestmark = pytest.mark.django_db

NOW = at(2026, 1, 14, 10, 0)


@pytest.fixture
def wednesday(db, story):
    for queue, start, offered, answered, abandoned, within in (
        ("erhverv", at(2026, 1, 14, 9, 0), 12, 11, 1, 9),
        ("erhverv-en", at(2026, 1, 14, 9, 30), 8, 8, 0, 8),
        ("erhverv", at(2026, 1, 13, 9, 0), 50, 50, 0, 50),  # yesterday: not today's calls
    ):
        IntervalStatistic.objects.create(
            queue=queue,
            interval_start=start,
            offered=offered,
            answered=answered,
            abandoned=abandoned,
            answered_within_target=within,
        )
    with moment(NOW):
        yield NOW


def test_open_matters_per_unit_and_todays_calls(story, wednesday):
    board = dashboard.build(wednesday)
    lines = {line.unit.code: line.counts for line in board.units}
    empty = dict.fromkeys(dashboard.COUNTS, 0)
    assert lines == {
        "kc-erhvervskontakt": empty,
        "kff-bevilling": {**empty, "live_open": 1, "live_new": 1, "live_due_today": 1},
        "tmf-byens-anvendelse": {
            **empty,
            "live_open": 2,
            "live_new": 1,
            "live_overdue": 1,
            "live_waiting": 1,
        },
        "tmf-miljoe": empty,
    }
    assert board.totals == {
        "live_open": 3,
        "live_new": 2,
        "live_due_today": 1,
        "live_overdue": 1,
        "live_waiting": 1,
    }
    # Today: offered 12 + 8, answered 11 + 8, abandoned 1, within 20 s 9 + 8: 17 / 20.
    assert board.calls == {
        "offered": 20,
        "answered": 19,
        "abandoned": 1,
        "within": 17,
        "service_level_pct": 85.0,
    }
    assert [(q["queue"], q["offered"], q["service_level_pct"]) for q in board.queues] == [
        ("erhverv", 12, pytest.approx(75.0)),
        ("erhverv-en", 8, 100.0),
    ]


def test_a_manager_filters_by_department(client, story, wednesday):
    client.force_login(story.personas.manager)
    page = client.get(reverse("reporting:dashboard"), {"department": story.org.kff.pk})
    assert page.status_code == 200
    assert [line.unit.code for line in page.context["board"].units] == ["kff-bevilling"]
    live = reverse("reporting:dashboard-live")
    assert f'hx-get="{live}?department={story.org.kff.pk}"' in page.content.decode()


def test_a_unit_contact_person_sees_their_own_unit(client, story, wednesday):
    client.force_login(story.personas.unit_contact_a)
    page = client.get(reverse("reporting:dashboard"), {"department": story.org.kff.pk})
    assert [line.unit.code for line in page.context["board"].units] == ["tmf-byens-anvendelse"]


def test_the_live_part_is_a_fragment_for_htmx(client, story, wednesday):
    client.force_login(story.personas.manager)
    page = client.get(reverse("reporting:dashboard-live"), HTTP_HX_REQUEST="true")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<html" not in body and "<table" in body
    assert "10:00:00" in body  # the moment the figures are from


def test_dashboard_numbers_drill_down_to_the_matters(client, story, wednesday):
    client.force_login(story.personas.manager)
    body = client.get(reverse("reporting:dashboard")).content.decode()
    link = re.search(r'href="([^"]*measure=live_overdue[^"]*)"', body).group(1).replace("&amp;", "&")
    listed = client.get(link).content.decode()
    assert set(re.findall(r"EK-\d{4}-\d{6}", listed)) == {story.inquiries["I7"].reference}


@pytest.mark.parametrize(
    "persona", ["agent", "caseworker_a", "caseworker_b", "editor", "administrator", "outsider"]
)
def test_only_managers_and_unit_contact_persons_see_the_dashboard(client, story, wednesday, persona):
    client.force_login(getattr(story.personas, persona))
    assert client.get(reverse("reporting:dashboard")).status_code == 403
    assert client.get(reverse("reporting:dashboard-live")).status_code == 403


def test_a_bad_department_is_shown_next_to_the_field(client, story, wednesday):
    client.force_login(story.personas.manager)
    page = client.get(reverse("reporting:dashboard"), {"department": "nine"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'aria-describedby="id_department-error"' in body and 'id="id_department-error"' in body
    assert len(page.context["board"].units) == 4  # shown for all departments meanwhile
