"""Reports computed once for a few minutes: the page, its PDF and its XLSX are usually asked for
one after the other, and each would otherwise aggregate the same hundreds of thousands of rows.

The cache key holds the period, the filters, the baseline, a time slot and the state of the
data: the newest timeline event (every change to an inquiry, matter, callback or survey answer
appends one), the newest call statistic and the service goals. A changed inquiry therefore
gives a fresh report at once; only the passing of time (a matter becoming overdue) waits for
the next slot (``REPORTING_CACHE_SECONDS``, 0 switches caching off).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.models import Event
from erhvervskontakt.reporting import report
from erhvervskontakt.reporting.figures import Report
from erhvervskontakt.reporting.models import ServiceGoal
from erhvervskontakt.reporting.periods import Period
from erhvervskontakt.reporting.scope import Scope
from erhvervskontakt.telephony.models import IntervalStatistic


def _data_version() -> tuple:
    goals = tuple(
        ServiceGoal.objects.order_by("pk").values_list(
            "pk", "metric", "target", "department_id", "topic_id", "call_target_seconds", "is_active"
        )
    )
    return (
        Event.objects.aggregate(m=Max("pk"))["m"],
        IntervalStatistic.objects.aggregate(m=Max("pk"))["m"],
        goals,
    )


def key_for(period: Period, scope: Scope, baseline: Period | None, seconds: int) -> str:
    slot = int(clock.now().timestamp()) // seconds
    raw = repr((period, scope, baseline, slot, _data_version()))
    return "reporting:report:v1:" + hashlib.sha256(raw.encode()).hexdigest()


def build(period: Period, scope: Scope, *, baseline: Period | None = None) -> Report:
    """``report.build``, served from the cache when the same report was made in this time slot."""
    seconds = settings.REPORTING_CACHE_SECONDS
    if not seconds:
        return report.build(period, scope, baseline=baseline)
    key = key_for(period, scope, baseline, seconds)
    result = cache.get(key)
    if result is None:
        result = report.build(period, scope, baseline=baseline)
        cache.set(key, result, seconds)
    return result
