from celery.schedules import crontab

SCHEDULE = {
    # Statistics lag the calls by at most a minute.
    "telephony-recompute-statistics": {"task": "telephony.recompute_statistics", "schedule": 60.0},
    "telephony-purge-calls": {"task": "telephony.purge_calls", "schedule": crontab(hour=3, minute=40)},
}
