"""Inquiry figures: volume, businesses served and their growth, channel mix, first-contact answers.

One query over the inquiries of the period and of the previous period of equal length:
conditional counts, and distinct companies per period. Months are counted against their first
moments (no per-row time-zone conversion).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, Min, Q

from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.figures import PERCENT, Report, growth, pct
from erhvervskontakt.reporting.periods import Period


def month_in(period: Period, month: dt.date) -> Period:
    """The part of ``period`` that lies in the calendar month starting ``month``."""
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return Period(max(period.start, month), min(period.end, next_month - dt.timedelta(days=1)))


def add_inquiry_figures(report: Report) -> None:
    """Inquiries and businesses.

    - ``inquiries.count``: inquiries received in the period (see ``scope.inquiries``).
    - ``inquiries.previous`` / ``inquiries.growth_pct``: the same for the previous period of
      equal length (``Period.previous``), and the change in percent of it.
    - ``businesses.count`` / ``.previous`` / ``.growth_pct``: distinct companies (company
      records, i.e. CVR) behind those inquiries; inquiries without a known company are counted
      in ``inquiries.without_business``.
    - ``businesses.new``: businesses served in the period that were not served in the previous
      period (within the same filters).
    - ``inquiries.first_contact``: inquiries whose every matter was settled at first contact.
    - ``channel.<channel>``: inquiries per channel.
    - ``monthly.<YYYY-MM>.inquiries``: inquiries per calendar month of the period.
    """
    period, previous, scope, now = report.period, report.previous, report.scope, report.now
    m = measures.MEASURES
    report.months = period.months()
    current = Q(received_at__gte=period.since)
    before = Q(received_at__lt=period.since)
    counts = {
        "n_cur": Count("pk", filter=current),
        "n_prev": Count("pk", filter=before),
        "lowest_id": Min("pk", filter=current),
        "highest_id": Max("pk", filter=current),
        "n_first_contact": Count("pk", filter=current & m["inquiries_first_contact"].q(now)),
        "without_business": Count("pk", filter=current & m["inquiries_without_business"].q(now)),
        # Distinct companies in each period and in both together: the new ones are those of
        # both periods that were not in the previous one, |both| - |previous|.
        "businesses": Count("company", distinct=True, filter=current),
        "businesses_prev": Count("company", distinct=True, filter=before),
        "businesses_both": Count("company", distinct=True),
    }
    for channel in Channel.values:
        counts[f"n_channel_{channel}"] = Count("pk", filter=current & m[f"channel_{channel}"].q(now))
    for i, month in enumerate(report.months):
        span = month_in(period, month)
        counts[f"n_month_{i}"] = Count(
            "pk", filter=Q(received_at__gte=span.since, received_at__lt=span.until)
        )
    r = scopes.inquiries(Period(previous.start, period.end), scope).aggregate(**counts)
    report.inquiry_id_range = (r.pop("lowest_id") or 0, r.pop("highest_id") or 0)
    r["businesses_new"] = r.pop("businesses_both") - r["businesses_prev"]

    total = r["n_cur"]
    report.add("inquiries.count", total, measure="inquiries")
    report.add("inquiries.previous", r["n_prev"], measure="inquiries", period=previous)
    report.add("inquiries.growth_pct", growth(total, r["n_prev"]), PERCENT)
    report.add("businesses.count", r["businesses"], measure="inquiries_with_business")
    report.add(
        "businesses.previous", r["businesses_prev"], measure="inquiries_with_business", period=previous
    )
    report.add("businesses.growth_pct", growth(r["businesses"], r["businesses_prev"]), PERCENT)
    report.add("businesses.new", r["businesses_new"], measure="new_businesses")
    report.add("inquiries.without_business", r["without_business"], measure="inquiries_without_business")
    report.add("inquiries.first_contact", r["n_first_contact"], measure="inquiries_first_contact")
    report.add(
        "inquiries.first_contact_pct",
        pct(r["n_first_contact"], total),
        PERCENT,
        measure="inquiries_first_contact",
    )
    for channel in Channel.values:
        n = r[f"n_channel_{channel}"]
        report.add(f"channel.{channel}", n, measure=f"channel_{channel}")
        report.add(f"channel.{channel}_pct", pct(n, total), PERCENT, measure=f"channel_{channel}")
    for i, month in enumerate(report.months):
        report.add(
            f"monthly.{month:%Y-%m}.inquiries",
            r[f"n_month_{i}"],
            measure="inquiries",
            period=month_in(period, month),
        )
