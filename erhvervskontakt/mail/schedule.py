from celery.schedules import crontab
from django.conf import settings

SCHEDULE = {
    "mail-poll": {"task": "mail.poll", "schedule": float(settings.MAIL_POLL_INTERVAL)},
    "mail-purge-originals": {"task": "mail.purge_originals", "schedule": crontab(hour=3, minute=17)},
}
