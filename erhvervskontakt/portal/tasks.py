from celery import shared_task

from erhvervskontakt.portal.drafts import purge_drafts
from erhvervskontakt.portal.survey import invite_closed_inquiries


@shared_task(name="portal.invite_surveys", ignore_result=True, time_limit=600, soft_time_limit=590)
def invite_surveys_task() -> int:
    """Invite businesses to rate closed inquiries (idempotent: one invitation row per inquiry)."""
    return invite_closed_inquiries()


@shared_task(name="portal.purge_drafts", ignore_result=True, time_limit=600, soft_time_limit=590)
def purge_drafts_task() -> int:
    """Delete abandoned form drafts and their uploaded files."""
    return purge_drafts()
