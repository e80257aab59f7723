from celery import shared_task

from erhvervskontakt.outbox.services import deliver_due


@shared_task(name="outbox.deliver", ignore_result=True, time_limit=300, soft_time_limit=290)
def deliver_outbox() -> dict[str, int]:
    """Send due outbox messages (idempotent: rows are claimed before sending)."""
    return deliver_due()
