from celery.schedules import crontab
from django.conf import settings

SCHEDULE = {
    # Nightly: learns the day's staff decisions and catalogue edits; skipped when nothing changed.
    "routing-retrain": {
        "task": "routing.retrain",
        "schedule": crontab(hour=settings.ROUTING_RETRAIN_HOUR, minute=41),
        "kwargs": {"trigger": "schedule"},
    },
}
