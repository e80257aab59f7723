"""The monthly goal report reaches the managers once per month, through the outbox."""

from __future__ import annotations

import pytest
from django.urls import reverse

from erhvervskontakt.outbox.models import OutboundMessage
from erhvervskontakt.reporting.goal_mail import send_monthly_goal_report
from erhvervskontakt.reporting.models import GoalReportDispatch
from erhvervskontakt.reporting.tasks import monthly_goal_report_task
from tests.reporting.conftest import at, moment

pytestmark = pytest.mark.django_db


def test_last_months_goals_go_to_the_managers_once(story):
    # 1 Dec 2025: November's goals. In November: I6 (answered on time) and the calls? none.
    with moment(at(2025, 12, 1, 6, 15)):
        dispatch = send_monthly_goal_report()
        assert send_monthly_goal_report() is None  # the month is claimed
        assert monthly_goal_report_task() is False
    assert dispatch.month.isoformat() == "2025-11-01"
    # November: I6 answered on time (100 % ≥ 95 %: met); no calls, no survey answers.
    assert (dispatch.recipients, dispatch.goals_met, dispatch.goals_missed) == (1, 1, 0)
    message = OutboundMessage.objects.get(subject__contains="11.2025")
    assert message.to == [story.personas.manager.email]
    assert f"{reverse('reporting:report')}?from=2025-11-01&to=2025-11-30" in message.body_text
    for private in ("Testesen", "owner@cafe.test", "Café"):
        assert private not in message.body_text
    assert GoalReportDispatch.objects.count() == 1


def test_switched_off(story, settings):
    settings.REPORTING_MONTHLY_GOAL_REPORT = False
    with moment(at(2025, 12, 1, 6, 15)):
        assert send_monthly_goal_report() is None
    assert not GoalReportDispatch.objects.exists()


def test_the_admin_lists_service_goals(client, story):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "root@kk.test", "pw")
    client.force_login(admin)
    assert client.get(reverse("admin:reporting_servicegoal_changelist")).status_code == 200
    assert client.get(reverse("admin:reporting_servicegoal_add")).status_code == 200
    assert client.get(reverse("admin:reporting_baseline_changelist")).status_code == 200
