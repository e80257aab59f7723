"""Every periodic job in the merged beat schedule can be sent the way beat sends it, and runs.

Beat sends a job with ``apply_async``, which refuses a task whose soft time limit exceeds its hard
one; the statistics job had a hard limit of 300 s under the global soft limit of 595 s, so beat
logged "Couldn't apply scheduled task" every minute and the call statistics were never recomputed.
"""

from __future__ import annotations

import pytest

from erhvervskontakt.celery import app

app.loader.import_default_modules()
app.finalize()
SCHEDULE = dict(app.conf.beat_schedule)


def test_the_schedule_holds_each_apps_jobs():
    tasks = {entry["task"] for entry in SCHEDULE.values()}
    for expected in (
        "outbox.deliver",
        "inquiries.escalate",
        "mail.poll",
        "routing.retrain",
        "portal.invite_surveys",
        "telephony.recompute_statistics",
        "reporting.monthly_goal_report",
    ):
        assert expected in tasks


@pytest.mark.parametrize("name", sorted(SCHEDULE))
def test_every_task_stops_softly_before_it_is_killed(name):
    task = app.tasks[SCHEDULE[name]["task"]]
    assert task.time_limit and task.soft_time_limit
    assert task.soft_time_limit < task.time_limit


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCHEDULE))
def test_every_periodic_job_can_be_sent_as_beat_does_and_runs(name, settings):
    settings.MAIL_IMAP_MAILBOXES = []  # no mail server here; polling has nothing to do
    entry = SCHEDULE[name]
    result = app.tasks[entry["task"]].apply_async(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
    assert result.successful()  # eager in tests: run in this process
