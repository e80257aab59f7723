from celery.schedules import crontab

SCHEDULE = {
    # Every 15 minutes in the working day is enough for day-granular due dates.
    "inquiries-escalate": {"task": "inquiries.escalate", "schedule": crontab(minute="*/15")},
}
