"""How a report is laid out: sections of labelled figures and tables.

The web page, the annual PDF, the CSV and the XLSX all walk these sections, so they show the
same figures under the same names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.reporting import measures
from erhvervskontakt.reporting.figures import Figure, Report


@dataclass
class Row:
    label: str
    figure: Figure | None
    share: Figure | None = None


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[tuple[str, list[Figure | None]]]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    note: str = ""

    @property
    def figures(self) -> list[tuple[str, Figure]]:
        """(label, figure) for every figure in the section, for exports."""
        out = []
        for row in self.rows:
            if row.figure is not None:
                out.append((str(row.label), row.figure))
            if row.share is not None:
                out.append((f"{row.label} (%)", row.share))
        for table in self.tables:
            for label, cells in table.rows:
                for column, cell in zip(table.columns, cells, strict=True):
                    if cell is not None:
                        out.append((f"{table.caption}: {label}: {column}", cell))
        return out


BUCKET_LABELS = {
    "0": _("Same working day"),
    "1": _("1 working day"),
    "2_5": _("2–5 working days"),
    "6_10": _("6–10 working days"),
    "11_20": _("11–20 working days"),
    "21_40": _("21–40 working days"),
    "41plus": _("41 working days or more"),
}


def sections(report: Report) -> list[Section]:
    f = report.figures.get

    def row(label, key, share=None):
        return Row(label, f(key), f(share) if share else None)

    out = [
        Section(
            "inquiries",
            _("Inquiries and businesses"),
            rows=[
                row(_("Inquiries received"), "inquiries.count"),
                row(_("Inquiries in the previous period of equal length"), "inquiries.previous"),
                row(_("Change in inquiries"), "inquiries.growth_pct"),
                row(_("Businesses served"), "businesses.count"),
                row(_("Businesses served in the previous period"), "businesses.previous"),
                row(_("Change in businesses served"), "businesses.growth_pct"),
                row(_("Businesses new to the city"), "businesses.new"),
                row(_("Inquiries without a known business"), "inquiries.without_business"),
                row(
                    _("Inquiries answered at first contact"),
                    "inquiries.first_contact",
                    "inquiries.first_contact_pct",
                ),
            ],
        ),
        Section(
            "channels",
            _("Channel mix"),
            rows=[
                row(channel.label, f"channel.{channel.value}", f"channel.{channel.value}_pct")
                for channel in Channel
            ],
        ),
        Section(
            "matters",
            _("First contact, transfers and missing information"),
            rows=[
                row(_("Matters"), "matters.count"),
                row(
                    _("Matters answered at first contact"),
                    "matters.first_contact",
                    "matters.first_contact_pct",
                ),
                row(_("Matters not transferred"), "transfers.none"),
                row(_("Matters transferred once"), "transfers.once"),
                row(_("Matters transferred more than once"), "transfers.more", "transfers.more_pct"),
                row(_("Transfers per matter (average)"), "transfers.average"),
                row(
                    _("Applications with insufficient information"), "insufficient.count", "insufficient.pct"
                ),
            ],
        ),
        Section(
            "response",
            _("Response times"),
            rows=[
                row(_("Answered within the promised time"), "response.on_time", "response.compliance_pct"),
                row(_("Answered late, or not answered and overdue"), "response.late"),
                row(_("Not answered yet, not yet due"), "response.pending"),
                row(_("Closed within the promised time"), "closed.on_time", "closed.compliance_pct"),
                row(_("Closed late, or open and overdue"), "closed.late"),
                row(_("Open: not yet due, or waiting for the business"), "closed.pending"),
            ],
        ),
        Section(
            "distribution",
            _("Working days to first response"),
            rows=[
                *[
                    row(BUCKET_LABELS[key], f"response_days.{key}", f"response_days.{key}_pct")
                    for key, _low, _high in measures.RESPONSE_BUCKETS
                ],
                row(_("Matters answered"), "response_days.responded"),
                row(_("Average working days"), "response_days.mean"),
                row(_("Median working days"), "response_days.median"),
            ],
        ),
        Section(
            "callbacks",
            _("Callbacks"),
            rows=[
                row(_("Callbacks promised"), "callbacks.count"),
                row(_("Made within the promised window"), "callbacks.on_time", "callbacks.on_time_pct"),
                row(_("Made late, or not made"), "callbacks.late"),
                row(_("Window not yet over"), "callbacks.pending"),
                row(_("Cancelled"), "callbacks.cancelled"),
                row(_("Business could not be reached"), "callbacks.not_reached"),
            ],
        ),
        _satisfaction(report),
        _coordination(report),
    ]
    if report.calls_included:
        out.append(
            Section(
                "calls",
                _("Calls"),
                rows=[
                    row(_("Calls offered"), "calls.offered"),
                    row(_("Calls answered"), "calls.answered", "calls.answer_rate_pct"),
                    row(_("Calls abandoned"), "calls.abandoned"),
                    row(_("Answered within the target"), "calls.within_target", "calls.service_level_pct"),
                    row(_("Average wait of answered calls"), "calls.average_wait_seconds"),
                ],
                note=_("Calls are counted per telephone queue for the whole contact centre."),
            )
        )
    out.append(_breakdowns(report))
    return out


def _satisfaction(report: Report) -> Section:
    f = report.figures.get
    suffixes = ("answers", "average", "satisfied", "satisfied_pct")
    rows = [
        (str(measures.DIMENSION_LABELS[dim]), [f(f"survey.{dim}.{suffix}") for suffix in suffixes])
        for dim in measures.DIMENSIONS
    ]
    return Section(
        "satisfaction",
        _("Satisfaction"),
        rows=[Row(_("Survey answers"), f("survey.responses"))],
        tables=[
            Table(
                _("Satisfaction per dimension"),
                [_("Answers"), _("Average (1–5)"), _("Satisfied (4 or 5)"), _("Satisfied (%)")],
                rows,
            )
        ],
        note="" if report.surveys_available else _("Satisfaction surveys are not collected yet."),
    )


def _coordination(report: Report) -> Section:
    f = report.figures.get
    rows = [
        Row(_("Inquiries with several matters"), f("multi.count"), f("multi.pct")),
        Row(_("… involving one department"), f("multi.departments_1")),
        Row(_("… involving two departments"), f("multi.departments_2")),
        Row(_("… involving three or more departments"), f("multi.departments_3plus")),
        Row(_("Departments per inquiry (average)"), f("multi.departments_average")),
        Row(_("With a coordinator"), f("multi.coordinated"), f("multi.coordinated_pct")),
        Row(_("… with a named coordinator"), f("multi.coordinator_person")),
        Row(_("All matters closed within their due time"), f("multi.on_time"), f("multi.on_time_pct")),
        Row(_("At least one matter late"), f("multi.late")),
        Row(_("Still open, nothing late"), f("multi.open")),
    ]
    for unit in report.coordinator_units:
        rows.append(
            Row(_("Coordinated by %(unit)s") % {"unit": unit.name}, f(f"multi.coordinator_unit.{unit.code}"))
        )
    return Section("coordination", _("Coordination of inquiries with several matters"), rows=rows)


def _breakdowns(report: Report) -> Section:
    f = report.figures.get
    columns = [
        _("Matters"),
        _("Answered on time"),
        _("Answered late"),
        _("Answered on time (%)"),
        _("Closed on time (%)"),
        _("Transferred more than once"),
        _("Insufficient information"),
    ]
    suffixes = (
        "matters",
        "response_on_time",
        "response_late",
        "response_pct",
        "closed_pct",
        "transfers_more",
        "insufficient",
    )
    departments = [
        (department.name, [f(f"department.{department.code}.{s}") for s in suffixes])
        for department in report.departments
    ]
    topics = [(topic.name, [f(f"topic.{topic.code}.{s}") for s in suffixes]) for topic in report.topics]
    months = [
        (
            f"{month:%Y-%m}",
            [
                f(f"monthly.{month:%Y-%m}.inquiries"),
                f(f"monthly.{month:%Y-%m}.matters"),
                f(f"monthly.{month:%Y-%m}.response_pct"),
            ],
        )
        for month in report.months
    ]
    return Section(
        "breakdowns",
        _("By department, topic and month"),
        tables=[
            Table(_("Per department"), columns, departments),
            Table(_("Per topic"), columns, topics),
            Table(_("Per month"), [_("Inquiries"), _("Matters"), _("Answered on time (%)")], months),
        ],
    )


def labels(report: Report) -> dict[str, str]:
    """Figure key → the label it has in the sections."""
    out = {}
    for section in sections(report):
        for label, figure in section.figures:
            out.setdefault(figure.key, label)
    return out
