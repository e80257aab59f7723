"""Matter figures: first-contact answers, transfers, insufficient information, response times.

One grouped query (by department of the holding unit, topic and month of receipt) with
conditional counts gives the totals, the department and topic tables, the monthly series and
the per-department and per-topic service goals; one more query gives the working days to
first response.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.organisation.models import Department, Unit
from erhvervskontakt.reporting import measures, sqltime, workcalendar
from erhvervskontakt.reporting import scope as scopes
from erhvervskontakt.reporting.compute_inquiries import month_in
from erhvervskontakt.reporting.figures import DAYS, PERCENT, Report, pct, ratio

COUNTED = (
    "matters",
    "matters_first_contact",
    "transfers_0",
    "transfers_1",
    "transfers_2plus",
    "insufficient_info",
    "response_on_time",
    "response_late",
    "response_pending",
    "closed_on_time",
    "closed_late",
    "closed_pending",
)


def matter_groups(report: Report) -> list[dict]:
    """Conditional counts per (unit, topic, month) for the report's matters, with each unit's department."""
    now = report.now
    aggregates = {key: Count("pk", filter=measures.MEASURES[key].q(now)) for key in COUNTED}
    aggregates["transfer_sum"] = Sum("transfer_count")
    months = report.period.months()
    # Grouped by unit (a column of the matter) rather than department (a join); units are
    # mapped to their departments here.
    departments = dict(Unit.objects.values_list("pk", "department_id"))
    rows = list(
        scopes.matters(report.period, report.scope)
        .order_by()
        .annotate(month_index=sqltime.month_index("received_at", report.period))
        .values("unit_id", "topic_id", "month_index")
        .annotate(**aggregates)
    )
    for row in rows:
        row["month"] = f"{months[row.pop('month_index')]:%Y-%m}"
        row["department_id"] = departments[row["unit_id"]]
    return rows


class MatterTotals:
    """The grouped counts summed once per department, topic and month (one pass over the groups)."""

    FIELDS = (*COUNTED, "transfer_sum")

    def __init__(self, groups: list[dict]):
        self.all = dict.fromkeys(self.FIELDS, 0)
        self.by: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(self.FIELDS, 0))
        for group in groups:
            targets = (
                self.all,
                self.by["department", group["department_id"]],
                self.by["topic", group["topic_id"]],
                self.by["month", group["month"]],
            )
            for field in self.FIELDS:
                value = group[field] or 0
                for target in targets:
                    target[field] += value

    def get(
        self, *, department: int | None = None, topic: int | None = None, month: str | None = None
    ) -> dict:
        """Totals for one department, topic or month (at most one), or for all matters."""
        if department is not None:
            return self.by.get(("department", department)) or dict.fromkeys(self.FIELDS, 0)
        if topic is not None:
            return self.by.get(("topic", topic)) or dict.fromkeys(self.FIELDS, 0)
        if month is not None:
            return self.by.get(("month", month)) or dict.fromkeys(self.FIELDS, 0)
        return self.all


def response_rate(t: dict) -> float | None:
    """Answered within due, in percent of the matters whose outcome is known (on time + late)."""
    return pct(t["response_on_time"], t["response_on_time"] + t["response_late"])


def closed_rate(t: dict) -> float | None:
    return pct(t["closed_on_time"], t["closed_on_time"] + t["closed_late"])


def add_matter_figures(report: Report, groups: MatterTotals) -> None:
    """Totals over all matters of the report.

    - ``matters.first_contact``: matters settled at once by the contact centre (answered or
      forms sent, never forwarded); reopening a matter takes the mark away.
    - ``transfers.none|once|more``: matters by how often they were forwarded (the first
      hand-over from the contact centre to the unit counts as one); ``transfers.more_pct`` is
      the share of matters transferred more than once (the promise is at most once).
    - ``insufficient.count``: matters where the unit had to ask the business for information.
    - ``response.*``: first response within the due time (see ``measures._responded_on_time``);
      ``response.compliance_pct`` = on time / (on time + late); pending matters are left out.
    - ``closed.*``: the same for closing.
    """
    t = groups.get()
    n = t["matters"]
    report.add("matters.count", n, measure="matters")
    report.add("matters.first_contact", t["matters_first_contact"], measure="matters_first_contact")
    report.add(
        "matters.first_contact_pct",
        pct(t["matters_first_contact"], n),
        PERCENT,
        measure="matters_first_contact",
    )
    report.add("transfers.none", t["transfers_0"], measure="transfers_0")
    report.add("transfers.once", t["transfers_1"], measure="transfers_1")
    report.add("transfers.more", t["transfers_2plus"], measure="transfers_2plus")
    report.add("transfers.more_pct", pct(t["transfers_2plus"], n), PERCENT, measure="transfers_2plus")
    report.add("transfers.average", ratio(t["transfer_sum"], n), "ratio", measure="matters")
    report.add("insufficient.count", t["insufficient_info"], measure="insufficient_info")
    report.add("insufficient.pct", pct(t["insufficient_info"], n), PERCENT, measure="insufficient_info")
    for prefix in ("response", "closed"):
        report.add(f"{prefix}.on_time", t[f"{prefix}_on_time"], measure=f"{prefix}_on_time")
        report.add(f"{prefix}.late", t[f"{prefix}_late"], measure=f"{prefix}_late")
        report.add(f"{prefix}.pending", t[f"{prefix}_pending"], measure=f"{prefix}_pending")
    report.add("response.compliance_pct", response_rate(t), PERCENT, measure="response_on_time")
    report.add("closed.compliance_pct", closed_rate(t), PERCENT, measure="closed_on_time")


def add_breakdowns(report: Report, groups: list[dict], totals: MatterTotals) -> None:
    """Per department (of the holding unit), per topic and per month: matters and timeliness."""
    department_ids = sorted({g["department_id"] for g in groups})
    topic_ids = sorted({g["topic_id"] for g in groups})
    report.departments = list(Department.objects.filter(pk__in=department_ids).order_by("sort", "code"))
    report.topics = list(Topic.objects.filter(pk__in=topic_ids).order_by("department__sort", "name_da"))
    for department in report.departments:
        _add_row(
            report,
            f"department.{department.code}",
            totals.get(department=department.pk),
            {"department": str(department.pk)},
        )
    for topic in report.topics:
        _add_row(report, f"topic.{topic.code}", totals.get(topic=topic.pk), {"topic": str(topic.pk)})
    for month in report.months or report.period.months():
        key = f"{month:%Y-%m}"
        t = totals.get(month=key)
        span = month_in(report.period, month)
        report.add(f"monthly.{key}.matters", t["matters"], measure="matters", period=span)
        report.add(
            f"monthly.{key}.response_pct", response_rate(t), PERCENT, measure="response_on_time", period=span
        )


def _add_row(report: Report, prefix: str, t: dict, params: dict[str, str]) -> None:
    report.add(f"{prefix}.matters", t["matters"], measure="matters", params=params)
    report.add(f"{prefix}.response_on_time", t["response_on_time"], measure="response_on_time", params=params)
    report.add(f"{prefix}.response_late", t["response_late"], measure="response_late", params=params)
    report.add(f"{prefix}.response_pct", response_rate(t), PERCENT, measure="response_on_time", params=params)
    report.add(f"{prefix}.closed_pct", closed_rate(t), PERCENT, measure="closed_on_time", params=params)
    report.add(f"{prefix}.transfers_more", t["transfers_2plus"], measure="transfers_2plus", params=params)
    report.add(f"{prefix}.insufficient", t["insufficient_info"], measure="insufficient_info", params=params)


def add_response_days(report: Report) -> None:
    """Working days from receipt to first response (``workcalendar.response_days_sql``).

    ``response_days.<bucket>``: responded matters per bucket (0, 1, 2–5, 6–10, 11–20, 21–40,
    41 or more working days); ``response_days.mean`` and ``.median`` over all responded matters.
    """
    histogram = workcalendar.response_days_histogram(
        scopes.matters(report.period, report.scope), report.period.start
    )
    responded = sum(histogram.values())
    report.add("response_days.responded", responded, measure="responded")
    for key, low, high in measures.RESPONSE_BUCKETS:
        n = sum(count for wd, count in histogram.items() if wd >= low and (high is None or wd <= high))
        report.add(f"response_days.{key}", n, measure=f"response_days_{key}")
        report.add(f"response_days.{key}_pct", pct(n, responded), PERCENT, measure=f"response_days_{key}")
    total_days = sum(wd * count for wd, count in histogram.items())
    report.add("response_days.mean", ratio(total_days, responded), DAYS, measure="responded")
    report.add("response_days.median", median(histogram), DAYS, measure="responded")


def median(histogram: dict[int, int]) -> float | None:
    """The median of values given as ``{value: how many}``."""
    n = sum(histogram.values())
    if not n:
        return None
    ordered = sorted(histogram.items())

    def nth(index: int) -> int:
        seen = 0
        for value, count in ordered:
            seen += count
            if index < seen:
                return value
        raise IndexError(index)

    if n % 2:
        return float(nth(n // 2))
    return (nth(n // 2 - 1) + nth(n // 2)) / 2
