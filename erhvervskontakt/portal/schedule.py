from celery.schedules import crontab

SCHEDULE = {
    # Hourly is prompt enough for an invitation sent "after closure", and light on the database.
    "portal-invite-surveys": {"task": "portal.invite_surveys", "schedule": crontab(minute=20)},
    # Drafts older than two days are abandoned; once a night clears them and their files.
    "portal-purge-drafts": {"task": "portal.purge_drafts", "schedule": crontab(hour=3, minute=40)},
}
