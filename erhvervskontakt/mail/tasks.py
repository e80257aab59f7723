from celery import shared_task

from erhvervskontakt.mail.imap import poll_all
from erhvervskontakt.mail.ingest import purge_originals


@shared_task(name="mail.poll", ignore_result=True, time_limit=600, soft_time_limit=590)
def poll_mailboxes() -> list[dict]:
    """Fetch new mail from every configured mailbox (idempotent: leases and unique keys)."""
    return [vars(result) for result in poll_all()]


@shared_task(name="mail.purge_originals", ignore_result=True, time_limit=1800, soft_time_limit=1790)
def purge_raw_originals() -> int:
    """Delete encrypted originals older than MAIL_RAW_RETENTION_DAYS."""
    return purge_originals()
