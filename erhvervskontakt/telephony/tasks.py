from celery import shared_task

from erhvervskontakt.telephony import calls, statistics


@shared_task(name="telephony.recompute_statistics", ignore_result=True, time_limit=300, soft_time_limit=290)
def recompute_statistics_task() -> int:
    """Recompute the statistics of intervals whose calls changed (idempotent)."""
    return statistics.recompute_touched()


@shared_task(name="telephony.purge_calls", ignore_result=True, time_limit=600, soft_time_limit=590)
def purge_calls_task() -> int:
    """Delete call records past the retention period; interval statistics stay."""
    return calls.purge_old_calls()
