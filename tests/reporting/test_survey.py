"""Satisfaction figures read the portal's survey answers, and stay empty when there are none."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from erhvervskontakt.inquiries import services
from erhvervskontakt.reporting import periods, report
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.scope import Scope
from tests import factories
from tests.reporting.conftest import at, moment

YEAR = {"from": "2025-01-01", "to": "2025-12-31"}


def test_the_selector_returns_nothing_when_the_portal_has_no_survey_model(monkeypatch, db):
    def missing(app_label, model_name=None):
        raise LookupError(f"No installed app with label '{app_label}'.")

    monkeypatch.setattr(scopes.apps, "get_model", missing)
    assert scopes.survey_model() is None
    assert scopes.survey_responses(periods.year(2025), Scope()) is None
    with moment(at(2026, 1, 12)):
        result = report.build(periods.year(2025), Scope())
    assert not result.surveys_available
    assert result.value("survey.responses") == 0
    assert result.value("survey.accessibility.average") is None
    assert all(g.actual is None for g in result.goals if g.goal.metric.startswith("satisfaction_"))


def test_the_drilldown_says_surveys_are_not_collected(monkeypatch, client, manager):
    monkeypatch.setattr(scopes, "survey_model", lambda: None)
    client.force_login(manager)
    page = client.get(reverse("reporting:drilldown"), {**YEAR, "measure": "survey_responses"})
    assert page.status_code == 200
    assert page.context["page"] is None


@pytest.mark.skipif(scopes.survey_model() is None, reason="the portal has no survey answers yet")
def test_answers_count_by_when_they_were_submitted(catalogue, agent, business):
    model = apps.get_model("portal", "SurveyResponse")
    with moment(at(2025, 5, 5)):
        inquiries = [
            factories.register([catalogue.generel], actor=agent, business=business, send_receipt=False)
            for _ in range(4)
        ]
        for inquiry in inquiries:
            services.matter_answer_first_contact(inquiry.matters.get(), actor=agent, answer="Svar givet")
    # Stored as the portal stores them (its survey_submit is exercised in the story).
    for inquiry, submitted, scores in (
        (inquiries[0], at(2025, 1, 1, 0, 0), (5, 4, 2, 3)),  # the first moment of the year: counted
        (inquiries[1], at(2025, 12, 31, 23, 59), (4, 3, 4, 5)),  # the last minute: counted
        (inquiries[2], at(2024, 12, 31, 23, 59), (1, 1, 1, 1)),  # the year before
        (inquiries[3], at(2026, 1, 1, 0, 0), (1, 1, 1, 1)),  # the year after
    ):
        model.objects.create(
            inquiry=inquiry,
            submitted_at=submitted,
            accessibility=scores[0],
            web_quality=scores[1],
            responsiveness=scores[2],
            professional_benefit=scores[3],
        )
    with moment(at(2026, 1, 12)):
        v = report.build(periods.year(2025), Scope()).values()
        by_email = report.build(periods.year(2025), Scope(channel="email")).values()
    assert v["survey.responses"] == 2
    assert (v["survey.accessibility.answers"], v["survey.accessibility.average"]) == (2, 4.5)
    assert (v["survey.web_quality.satisfied"], v["survey.web_quality.satisfied_pct"]) == (1, 50.0)
    assert (v["survey.responsiveness.satisfied"], v["survey.responsiveness.average"]) == (1, 3.0)
    assert (v["survey.professional_benefit.satisfied"], v["survey.professional_benefit.average"]) == (1, 4.0)
    assert by_email["survey.responses"] == 0  # the inquiries came by phone, not email
