from celery.schedules import crontab

SCHEDULE = {
    # Early every morning in the first days of a month: the month is claimed once, so a worker
    # that was down on the 1st still sends it on the 2nd or 3rd.
    "reporting-monthly-goal-report": {
        "task": "reporting.monthly_goal_report",
        "schedule": crontab(minute=15, hour=6, day_of_month="1-3"),
    },
}
