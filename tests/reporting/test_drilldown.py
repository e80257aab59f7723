"""Every number on a report leads to the list behind it, and only for people allowed to see it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from erhvervskontakt.reporting import measures, periods, report
from erhvervskontakt.reporting.figures import COUNT, PERCENT
from erhvervskontakt.reporting.formatting import drill_params, drill_url
from erhvervskontakt.reporting.scope import Scope, restrict

# The story is shared by the module's tests (see conftest.py); each test runs in a savepoint.
pytestmark = pytest.mark.django_db

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


@pytest.fixture
def report_2025(db, story, report_now):
    return report.build(periods.year(2025), Scope())


def _rows_for(figure_params: dict[str, str], now):
    period = periods.Period(
        periods.dt.date.fromisoformat(figure_params["from"]),
        periods.dt.date.fromisoformat(figure_params["to"]),
    )
    scope = Scope(
        department_id=int(figure_params["department"]) if "department" in figure_params else None,
        unit_id=int(figure_params["unit"]) if "unit" in figure_params else None,
        topic_id=int(figure_params["topic"]) if "topic" in figure_params else None,
        channel=figure_params.get("channel"),
    )
    return measures.rows(figure_params["measure"], period, scope, now)


def test_every_count_equals_the_length_of_its_list(report_2025):
    checked = 0
    for key, figure in report_2025.figures.items():
        if figure.measure is None or figure.kind != COUNT or not figure.value:
            continue
        rows = _rows_for(drill_params(report_2025, figure), report_2025.now)
        if key.startswith("businesses."):
            # Businesses drill down to their inquiries; the figure counts distinct companies.
            assert rows.values("company").distinct().count() == figure.value, key
        else:
            assert rows.count() == figure.value, key
        checked += 1
    assert checked >= 90  # every non-zero count of the story


def test_a_share_drills_down_to_its_numerator(report_2025):
    share = report_2025["response.compliance_pct"]
    assert share.kind == PERCENT and share.measure == "response_on_time"
    assert _rows_for(drill_params(report_2025, share), report_2025.now).count() == 10


def test_the_previous_period_and_months_drill_down_to_their_own_dates(report_2025):
    params = drill_params(report_2025, report_2025["inquiries.previous"])
    assert (params["from"], params["to"]) == ("2024-01-01", "2024-12-31")
    params = drill_params(report_2025, report_2025["monthly.2025-12.inquiries"])
    assert (params["from"], params["to"]) == ("2025-12-01", "2025-12-31")
    assert _rows_for(params, report_2025.now).count() == 3


def test_the_drilldown_page_lists_the_inquiries_behind_a_figure(client, story, report_2025):
    client.force_login(story.personas.manager)
    url = drill_url(report_2025, report_2025["response.late"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    references = set(re.findall(r"EK-\d{4}-\d{6}", body))
    expected = {story.inquiries["I5"].reference, story.inquiries["I7"].reference}
    assert references == expected
    assert "2 rows" in body or "2 rækker" in body


def test_a_bucket_of_working_days_lists_its_matters(client, story, report_2025):
    client.force_login(story.personas.manager)
    page = client.get(reverse("reporting:drilldown"), {**YEAR, "measure": "response_days_6_10"})
    assert set(re.findall(r"EK-\d{4}-\d{6}", page.content.decode())) == {story.inquiries["I5"].reference}


def test_unknown_measure_is_404_and_bad_dates_are_400(client, story, db):
    client.force_login(story.personas.manager)
    assert client.get(reverse("reporting:drilldown"), {**YEAR, "measure": "nonsense"}).status_code == 404
    assert (
        client.get(
            reverse("reporting:drilldown"), {**YEAR, "measure": "multi_coordinator_unit:x"}
        ).status_code
        == 404
    )
    bad = client.get(
        reverse("reporting:drilldown"), {"from": "2025-13-01", "to": "x", "measure": "inquiries"}
    )
    assert bad.status_code == 400


@pytest.mark.parametrize("persona", ["editor", "administrator", "outsider"])
@pytest.mark.parametrize(
    "name",
    [
        "reporting:report",
        "reporting:drilldown",
        "reporting:export-csv",
        "reporting:export-xlsx",
        "reporting:export-pdf",
    ],
)
def test_people_without_access_to_inquiries_are_refused(client, story, db, persona, name):
    client.force_login(getattr(story.personas, persona))
    assert client.get(reverse(name), {**YEAR, "measure": "inquiries"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login(client, db):
    response = client.get(reverse("reporting:report"))
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


def test_a_caseworker_sees_only_their_own_units_figures_and_inquiries(client, story, report_now):
    caseworker = story.personas.caseworker_b  # unit B: I4 alkoholbevilling, I8
    scope = restrict(caseworker, Scope(unit_id=story.org.unit_a.pk, department_id=story.org.tmf.pk))
    assert scope == Scope(unit_id=story.org.unit_b.pk, department_id=story.org.tmf.pk)
    client.force_login(caseworker)
    # Asking for unit A's report still gives unit B's: the unit filter is fixed for unit staff.
    page = client.get(reverse("reporting:report"), {**YEAR, "unit": story.org.unit_a.pk})
    assert page.status_code == 200
    result = page.context["report"]
    assert result.scope.unit_id == story.org.unit_b.pk
    assert result.value("inquiries.count") == 2  # I4 and I8
    assert result.value("matters.count") == 2
    listed = client.get(
        reverse("reporting:drilldown"), {**YEAR, "measure": "inquiries", "unit": story.org.unit_a.pk}
    )
    assert set(re.findall(r"EK-\d{4}-\d{6}", listed.content.decode())) == {
        story.inquiries["I4"].reference,
        story.inquiries["I8"].reference,
    }


def test_drill_links_on_the_page_keep_the_filters(client, story, report_now):
    client.force_login(story.personas.manager)
    page = client.get(
        reverse("reporting:report"), {**YEAR, "department": story.org.tmf.pk, "channel": "phone"}
    )
    links = re.findall(r'href="(/reporting/rapporter/henvendelser/\?[^"]+)"', page.content.decode())
    assert links
    for link in links:
        query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
        assert query["department"] == [str(story.org.tmf.pk)]
        assert query["channel"] == ["phone"]
