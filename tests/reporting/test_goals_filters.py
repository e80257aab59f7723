"""Service goals met or not per period, filtered reports, and comparison with a baseline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from erhvervskontakt.reporting import periods, report
from erhvervskontakt.reporting.models import Baseline, GoalMetric, ServiceGoal
from erhvervskontakt.reporting.scope import Scope

# The story is shared by the module's tests (see conftest.py); each test runs in a savepoint.
pytestmark = pytest.mark.django_db


def pct(part, whole):
    return 100 * part / whole


@pytest.fixture
def extra_goals(db, story):
    org, cat = story.org, story.catalogue
    goals = {
        "tmf_closed": ServiceGoal.objects.create(
            metric=GoalMetric.CLOSED_WITHIN_DUE, target=70, department=org.tmf
        ),
        "ude_callbacks": ServiceGoal.objects.create(
            metric=GoalMetric.CALLBACKS_ON_TIME, target=90, topic=cat.udeservering
        ),
        "kc_first_contact": ServiceGoal.objects.create(
            metric=GoalMetric.FIRST_CONTACT, target=50, department=org.kc_dept
        ),
        "kff_response": ServiceGoal.objects.create(
            metric=GoalMetric.RESPONSE_WITHIN_DUE, target=90, department=org.kff
        ),
        "alko_responsive": ServiceGoal.objects.create(
            metric=GoalMetric.SATISFACTION_RESPONSIVENESS, target=Decimal("4.5"), topic=cat.alkoholbevilling
        ),
    }
    ServiceGoal.objects.create(
        metric=GoalMetric.FIRST_CONTACT, target=1, is_active=False, note="switched off"
    )
    return goals


def _results(result):
    return {
        (
            g.goal.metric,
            g.goal.department.code if g.goal.department_id else None,
            g.goal.topic.code if g.goal.topic_id else None,
        ): (g.actual, g.met)
        for g in result.goals
    }


def test_goals_for_the_whole_city(story, extra_goals, report_now):
    results = _results(report.build(periods.year(2025), Scope()))
    expected = {
        # Default goals (migration 0002).
        # 20 s intervals only: (8 + 14) / (10 + 20); the 30 s interval does not count.
        ("call_service_level", None, None): (pct(22, 30), False),
        ("response_within_due", None, None): (pct(10, 12), False),
        ("satisfaction_accessibility", None, None): ((3 + 4 + 5) / 3, True),
        ("satisfaction_web_quality", None, None): ((2 + 5 + 4) / 3, False),
        ("satisfaction_responsiveness", None, None): ((4 + 3 + 5) / 3, True),
        ("satisfaction_professional_benefit", None, None): ((5 + 4 + 4) / 3, True),
        # TMF closed on time: I1 I2 I4u I5s I6 of I1 I2 I4u I5s I5m I6 I7.
        ("closed_within_due", "TMF", None): (pct(5, 7), True),
        # Callbacks on udeservering matters (I6): CB1 on time, CB2 late, CB3 cancelled.
        ("callbacks_on_time", None, "udeservering"): (pct(1, 2), False),
        # Inquiries with a KC-held matter: I3, I9, I10; only I10 wholly at first contact.
        ("first_contact", "KC", None): (pct(1, 3), False),
        # KFF: I4 alkoholbevilling on time, I8 pending.
        ("response_within_due", "KFF", None): (100.0, True),
        # Survey answers on inquiries with an alkoholbevilling matter: I4 (responsiveness 5).
        ("satisfaction_responsiveness", None, "alkoholbevilling"): (5.0, True),
    }
    assert results.keys() == expected.keys()
    for key, (actual, met) in expected.items():
        assert results[key] == (pytest.approx(actual), met), key


def test_goals_and_figures_of_a_tmf_report(story, extra_goals, report_now):
    result = report.build(periods.year(2025), Scope(department_id=story.org.tmf.pk))
    # Shown: city-wide goals measured on TMF, the TMF goal, the goal on a TMF topic. Not shown:
    # goals of other departments or on their topics, and call goals (calls are not per department).
    assert _results(result) == {
        ("response_within_due", None, None): (pytest.approx(pct(6, 8)), False),
        ("satisfaction_accessibility", None, None): (pytest.approx(4.0), True),
        ("satisfaction_web_quality", None, None): (pytest.approx(11 / 3), False),
        ("satisfaction_responsiveness", None, None): (pytest.approx(4.0), True),
        ("satisfaction_professional_benefit", None, None): (pytest.approx(13 / 3), True),
        ("closed_within_due", "TMF", None): (pytest.approx(pct(5, 7)), True),
        ("callbacks_on_time", None, "udeservering"): (pytest.approx(50.0), False),
    }
    v = result.values()
    # Inquiries with a matter held by a TMF unit: I1 I2 I4 I5 I6 I7 I9; none in 2024 (P1, P2 were KC's).
    assert (v["inquiries.count"], v["inquiries.previous"], v["inquiries.growth_pct"]) == (7, 0, None)
    # A, B, C; all new within TMF (A's 2024 inquiry was the contact centre's).
    assert (v["businesses.count"], v["businesses.new"], v["inquiries.without_business"]) == (3, 3, 1)
    assert [v[f"channel.{c}"] for c in ("phone", "email", "web", "form", "counter")] == [3, 2, 1, 0, 1]
    assert v["inquiries.first_contact"] == 0
    assert (v["matters.count"], v["response.on_time"], v["response.late"], v["response.pending"]) == (
        8,
        6,
        2,
        0,
    )
    assert (v["closed.on_time"], v["closed.late"], v["closed.pending"]) == (5, 2, 1)
    assert (v["transfers.none"], v["transfers.once"], v["transfers.more"]) == (1, 6, 1)
    # Answered TMF matters: I1 1, I2 2, I4u 2, I5s 2, I5m 7, I6 1, I9u 2 working days.
    assert [v[f"response_days.{b}"] for b in ("0", "1", "2_5", "6_10")] == [0, 2, 4, 1]
    assert v["response_days.mean"] == pytest.approx(17 / 7)
    assert v["response_days.median"] == 2.0
    assert (v["multi.count"], v["multi.on_time"], v["multi.late"], v["multi.open"]) == (3, 1, 1, 1)
    assert (v["callbacks.count"], v["callbacks.on_time"], v["callbacks.late"]) == (5, 2, 2)
    assert "calls.offered" not in v and not result.calls_included
    assert [d.code for d in result.departments] == ["TMF"]


def test_channel_unit_and_topic_filters(story, report_now):
    phone = report.build(periods.year(2025), Scope(channel="phone")).values()
    # Phone: I1 I5 I6 I10; matters I1 I5s I5m I6 I10; late only I5 miljoe.
    assert (phone["inquiries.count"], phone["matters.count"]) == (4, 5)
    assert phone["response.compliance_pct"] == pytest.approx(pct(4, 5))
    assert phone["calls.offered"] == 40  # calls belong to the phone channel
    unit_c = report.build(periods.year(2025), Scope(unit_id=story.org.unit_c.pk)).values()
    assert (unit_c["inquiries.count"], unit_c["matters.count"], unit_c["transfers.more"]) == (1, 1, 1)
    skilte = report.build(periods.year(2025), Scope(topic_id=story.catalogue.skilte.pk)).values()
    # I1, I5, I7; I7's callbacks CB4 (on time) and CB5 (never made).
    assert (skilte["inquiries.count"], skilte["matters.count"], skilte["callbacks.count"]) == (3, 3, 2)
    assert skilte["callbacks.on_time_pct"] == pytest.approx(50.0)


def test_a_report_compared_with_a_baseline(story, report_now):
    result = report.build(periods.year(2025), Scope(), baseline=periods.year(2024))
    rows = {row["key"]: row for row in report.comparison(result)}
    # 2024: P1 and P2, both answered at first contact by the contact centre.
    assert rows["inquiries.count"]["baseline"].value == 2
    assert rows["inquiries.count"]["change"] == 10 - 2
    assert rows["businesses.count"]["change"] == 3 - 1
    assert rows["inquiries.first_contact_pct"]["baseline"].value == pytest.approx(100.0)
    assert rows["inquiries.first_contact_pct"]["change"] == pytest.approx(10.0 - 100.0)
    assert rows["response.compliance_pct"]["baseline"].value == pytest.approx(100.0)
    assert rows["calls.service_level_pct"]["baseline"].value == pytest.approx(100.0)  # 99 of 99
    assert result.baseline.goals == []


def test_a_saved_baseline_on_the_report_page(client, story, report_now):
    baseline = Baseline.objects.create(
        name="Før åbningen", start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)
    )
    client.force_login(story.personas.manager)
    page = client.get(
        reverse("reporting:report"), {"from": "2025-01-01", "to": "2025-12-31", "baseline": baseline.pk}
    )
    assert page.status_code == 200
    assert page.context["report"].baseline.period == periods.year(2024)
    assert page.context["comparison"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2025-02-01", "to": "2025-01-01"}, "to"),
        ({"from": "2015-01-01", "to": "2025-01-01"}, "to"),
        ({"from": "2025-01-01", "to": "2025-12-31", "bfrom": "2024-01-01"}, "bto"),
        ({"from": "2025-01-01", "to": "2025-12-31", "bfrom": "2024-05-01", "bto": "2024-01-01"}, "bto"),
        ({"from": "januar", "to": "2025-12-31"}, "from"),
        ({"from": "2025-01-01", "to": "2025-12-31", "department": "999999"}, "department"),
    ],
)
def test_bad_report_input_is_shown_next_to_the_field(client, story, db, params, field):
    client.force_login(story.personas.manager)
    page = client.get(reverse("reporting:report"), params)
    assert page.status_code == 400
    body = page.content.decode()
    assert f'id="id_{field}-error"' in body
    assert f'aria-describedby="id_{field}-error"' in body
    assert 'role="alert"' in body


def test_goal_validation(story, db):
    with pytest.raises(ValidationError):
        ServiceGoal(metric=GoalMetric.CALL_SERVICE_LEVEL, target=80, department=story.org.tmf).full_clean()
    with pytest.raises(ValidationError):
        ServiceGoal(metric=GoalMetric.SATISFACTION_ACCESSIBILITY, target=7).full_clean()
    with pytest.raises(ValidationError):
        ServiceGoal(metric=GoalMetric.RESPONSE_WITHIN_DUE, target=101).full_clean()
    with pytest.raises(ValidationError):
        ServiceGoal(
            metric=GoalMetric.RESPONSE_WITHIN_DUE,
            target=90,
            department=story.org.tmf,
            topic=story.catalogue.skilte,
        ).full_clean()
    ServiceGoal(metric=GoalMetric.RESPONSE_WITHIN_DUE, target=90, topic=story.catalogue.skilte).full_clean()
