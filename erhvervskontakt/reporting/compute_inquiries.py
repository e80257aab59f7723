"""Inquiry figures: volume, businesses served and their growth, channel mix, first-contact answers.

Two queries: one conditional aggregation over the period and the previous period of equal
length together, one for businesses new to the city in the period; plus one small grouped
query for the monthly series.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from erhvervskontakt.core import clock
from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.figures import PERCENT, Report, growth, pct
from erhvervskontakt.reporting.periods import Period


def add_inquiry_figures(report: Report) -> None:
    """Inquiries and businesses.

    - ``inquiries.count``: inquiries received in the period (see ``scope.inquiries``).
    - ``inquiries.previous`` / ``inquiries.growth_pct``: the same for the previous period of
      equal length, and the change in percent of it.
    - ``businesses.count``: distinct companies (by company record, i.e. CVR) behind those
      inquiries; inquiries without a known company are counted in ``inquiries.without_business``.
    - ``businesses.new``: businesses served in the period with no inquiry (within the same
      filters) at any earlier time.
    - ``inquiries.first_contact``: inquiries whose every matter was settled at first contact.
    - ``channel.<channel>``: inquiries per channel.
    """
    period, previous, scope, now = report.period, report.previous, report.scope, report.now
    both = Period(previous.start, period.end)
    current = Q(received_at__gte=period.since)
    before = Q(received_at__lt=period.since)
    m = measures.MEASURES
    aggregates = {
        "inquiries": Count("pk", filter=current),
        "inquiries_prev": Count("pk", filter=before),
        "businesses": Count("company", distinct=True, filter=current),
        "businesses_prev": Count("company", distinct=True, filter=before),
        "without_business": Count("pk", filter=current & m["inquiries_without_business"].q(now)),
        "first_contact": Count("pk", filter=current & m["inquiries_first_contact"].q(now)),
    }
    for channel in Channel.values:
        aggregates[f"channel_{channel}"] = Count("pk", filter=current & m[f"channel_{channel}"].q(now))
    r = scopes.inquiries(both, scope).aggregate(**aggregates)
    new = (
        scopes.inquiries(period, scope)
        .filter(measures.new_business_q(period, scope))
        .aggregate(n=Count("company", distinct=True))["n"]
    )

    total = r["inquiries"]
    report.add("inquiries.count", total, measure="inquiries")
    report.add("inquiries.previous", r["inquiries_prev"], measure="inquiries", period=previous)
    report.add("inquiries.growth_pct", growth(total, r["inquiries_prev"]), PERCENT)
    report.add("businesses.count", r["businesses"], measure="inquiries_with_business")
    report.add(
        "businesses.previous", r["businesses_prev"], measure="inquiries_with_business", period=previous
    )
    report.add("businesses.growth_pct", growth(r["businesses"], r["businesses_prev"]), PERCENT)
    report.add("businesses.new", new, measure="new_businesses")
    report.add("inquiries.without_business", r["without_business"], measure="inquiries_without_business")
    report.add("inquiries.first_contact", r["first_contact"], measure="inquiries_first_contact")
    report.add(
        "inquiries.first_contact_pct",
        pct(r["first_contact"], total),
        PERCENT,
        measure="inquiries_first_contact",
    )
    for channel in Channel.values:
        n = r[f"channel_{channel}"]
        report.add(f"channel.{channel}", n, measure=f"channel_{channel}")
        report.add(f"channel.{channel}_pct", pct(n, total), PERCENT, measure=f"channel_{channel}")


def add_monthly_inquiries(report: Report) -> None:
    """``monthly.<YYYY-MM>.inquiries``: inquiries received per calendar month of the period."""
    rows = (
        scopes.inquiries(report.period, report.scope)
        .order_by()
        .annotate(month=TruncMonth("received_at", tzinfo=clock.COPENHAGEN))
        .values("month")
        .annotate(n=Count("pk"))
    )
    counts = {_month_key(row["month"]): row["n"] for row in rows}
    report.months = report.period.months()
    for month in report.months:
        key = f"{month:%Y-%m}"
        report.add(
            f"monthly.{key}.inquiries",
            counts.get(key, 0),
            measure="inquiries",
            period=month_in(report.period, month),
        )


def _month_key(value) -> str:
    if isinstance(value, dt.datetime):
        value = clock.local(value) if value.tzinfo else value
    return f"{value:%Y-%m}"


def month_in(period: Period, month: dt.date) -> Period:
    """The part of ``period`` that lies in the calendar month starting ``month``."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return Period(max(period.start, month), min(period.end, next_month - dt.timedelta(days=1)))
