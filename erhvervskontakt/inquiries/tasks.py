from celery import shared_task

from erhvervskontakt.inquiries.escalation import escalate


@shared_task(name="inquiries.escalate", ignore_result=True, time_limit=600, soft_time_limit=590)
def escalate_task() -> dict[str, int]:
    """Send SLA warnings and overdue notices (idempotent: each is claimed once per matter)."""
    return escalate()
