"""Call statistics per queue and 30-minute interval, computed from call records.

Definitions (the ones capacity planning and managers read):

- offered: incoming calls that entered the queue in the interval (a call counts in the
  interval it entered its queue, even if it is answered or ends in the next one);
- answered: of those, answered by someone;
- abandoned: the caller hung up before an answer (causes normalClearing, cancel, noAnswer);
  calls that were forwarded, or not connected (busy, congestion, notFound) are neither;
- answered within target: answered with a wait of at most the service-level target;
- wait: from entering the queue to the answer (answered) or the hang-up (abandoned);
- handle time: from the answer to the hang-up.

Recomputation is idempotent: a changed call marks its (queue, interval); ``recompute_touched``
recomputes each mark from all the interval's calls. Rows imported from historical CSV files
(``source="import"``) are never overwritten by recomputation.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

log = logging.getLogger(__name__)
SOURCE_CALLS = "calls"
SOURCE_IMPORT = "import"


def interval_start_for(moment: dt.datetime) -> dt.datetime:
    """The start of the 30-minute interval holding ``moment`` (UTC; Copenhagen's offsets are whole hours)."""
    seconds = settings.TELEPHONY_INTERVAL_SECONDS
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def mark(keys: list[tuple[str, dt.datetime]]) -> None:
    """Note that these (queue, interval start) pairs need recomputing."""
    from erhvervskontakt.telephony.models import IntervalToRecompute

    for queue, start in keys:
        updated = IntervalToRecompute.objects.filter(queue=queue, interval_start=start).update(
            generation=F("generation") + 1
        )
        if not updated:
            try:
                with transaction.atomic():
                    IntervalToRecompute.objects.create(queue=queue, interval_start=start)
            except IntegrityError:  # marked concurrently: bump theirs
                IntervalToRecompute.objects.filter(queue=queue, interval_start=start).update(
                    generation=F("generation") + 1
                )


def compute(queue: str, start: dt.datetime) -> dict:
    """The statistic's counters for one queue and interval, from its call records."""
    from erhvervskontakt.telephony.models import Call, CallOutcome

    target = settings.TELEPHONY_SERVICE_LEVEL_SECONDS
    row = {
        "offered": 0,
        "answered": 0,
        "abandoned": 0,
        "answered_within_target": 0,
        "service_target_seconds": target,
        "total_wait_answered_seconds": 0.0,
        "total_wait_abandoned_seconds": 0.0,
        "total_handle_seconds": 0.0,
    }
    calls = Call.objects.filter(queue=queue, interval_start=start).values_list(
        "outcome", "answered_at", "wait_seconds", "handle_seconds"
    )
    for outcome, answered_at, wait, handle in calls:
        row["offered"] += 1
        if answered_at is not None:
            row["answered"] += 1
            row["total_wait_answered_seconds"] += wait or 0.0
            row["total_handle_seconds"] += handle or 0.0
            if (wait or 0.0) <= target:
                row["answered_within_target"] += 1
        elif outcome == CallOutcome.ABANDONED:
            row["abandoned"] += 1
            row["total_wait_abandoned_seconds"] += wait or 0.0
    return row


@transaction.atomic
def recompute(queue: str, start: dt.datetime):
    """Write the statistic of one queue and interval from its calls; return it (None if no calls)."""
    from erhvervskontakt.telephony.models import IntervalStatistic

    existing = IntervalStatistic.objects.select_for_update().filter(queue=queue, interval_start=start).first()
    if existing is not None and existing.source == SOURCE_IMPORT:
        log.warning("telephony: %s %s was imported; calls in it are not counted", queue, start.isoformat())
        return existing
    row = compute(queue, start)
    if row["offered"] == 0:
        if existing is not None:
            existing.delete()
        return None
    fields = {**row, "interval_seconds": settings.TELEPHONY_INTERVAL_SECONDS, "source": SOURCE_CALLS}
    if existing is None:
        return IntervalStatistic.objects.create(queue=queue, interval_start=start, **fields)
    for name, value in fields.items():
        setattr(existing, name, value)
    existing.save()
    return existing


def recompute_touched(limit: int = 1000) -> int:
    """Recompute every marked interval (oldest first); return how many were recomputed."""
    from erhvervskontakt.telephony.models import IntervalToRecompute

    done = 0
    marks = list(
        IntervalToRecompute.objects.order_by("interval_start", "queue").values_list(
            "pk", "queue", "interval_start", "generation"
        )[:limit]
    )
    for pk, queue, start, generation in marks:
        recompute(queue, start)
        # Keep the mark if a call changed meanwhile: it is recomputed on the next run.
        IntervalToRecompute.objects.filter(pk=pk, generation=generation).delete()
        done += 1
    return done


def recompute_range(since: dt.datetime, until: dt.datetime, queue: str | None = None) -> int:
    """Mark and recompute every interval with calls between ``since`` and ``until``."""
    from erhvervskontakt.telephony.models import Call

    calls = Call.objects.filter(
        interval_start__gte=since, interval_start__lt=until, interval_start__isnull=False
    )
    if queue:
        calls = calls.filter(queue=queue)
    keys = list(calls.values_list("queue", "interval_start").distinct())
    mark(keys)
    total = 0
    while True:
        done = recompute_touched()
        total += done
        if done == 0:
            return total
