"""The report's figures as CSV and XLSX: one row per figure, the same labels as the page."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from erhvervskontakt.reporting import layout
from erhvervskontakt.reporting.figures import COUNT, PERCENT, Figure, Report

NUMBER_FORMATS = {
    COUNT: "#,##0",
    PERCENT: "0.0%",
    "score": "0.00",
    "days": "0.0",
    "seconds": "0",
    "ratio": "0.00",
}


def describe_scope(scope) -> list[tuple[str, str]]:
    """The filters of a report as (label, value) pairs: organisation and catalogue names only."""
    from erhvervskontakt.catalogue.models import Topic
    from erhvervskontakt.inquiries.workflow import Channel
    from erhvervskontakt.organisation.models import Department, Unit

    rows = []
    if scope.department_id:
        rows.append((_("Department"), str(Department.objects.get(pk=scope.department_id).name)))
    if scope.unit_id:
        rows.append((_("Unit"), str(Unit.objects.get(pk=scope.unit_id).name)))
    if scope.topic_id:
        rows.append((_("Topic"), str(Topic.objects.get(pk=scope.topic_id).name)))
    if scope.channel:
        rows.append((_("Channel"), str(Channel(scope.channel).label)))
    return rows


def describe(report: Report) -> list[tuple[str, str]]:
    """The report's period and filters as (label, value) pairs (codes and names, never people)."""
    rows = [(_("Period"), f"{report.period.start:%Y-%m-%d} – {report.period.end:%Y-%m-%d}")]
    rows += describe_scope(report.scope)
    if report.baseline is not None:
        rows.append(
            (
                _("Baseline"),
                f"{report.baseline.period.start:%Y-%m-%d} – {report.baseline.period.end:%Y-%m-%d}",
            )
        )
    rows.append((_("Computed"), f"{report.now:%Y-%m-%d %H:%M} UTC"))
    return rows


def flat_rows(report: Report) -> list[tuple[str, str, Figure, Figure | None]]:
    """(section title, label, figure, baseline figure) for every figure of the report."""
    out = []
    baseline = report.baseline.figures if report.baseline is not None else {}
    for section in layout.sections(report):
        for label, figure in section.figures:
            out.append((str(section.title), label, figure, baseline.get(figure.key)))
    for result in report.goals:
        goal_figure = Figure(
            key=f"goal.{result.goal.pk}",
            value=result.actual,
            kind=PERCENT if result.goal.is_percentage else "score",
        )
        label = f"{result.goal.get_metric_display()} ({result.goal.scope_label}) ≥ {result.goal.target}"
        out.append((_("Service goals"), label, goal_figure, None))
    return out


def _plain(value, kind: str):
    if value is None:
        return ""
    if kind == COUNT:
        return int(value)
    return round(float(value), 2)


def to_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark so spreadsheet programs read æ, ø and å correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for label, value in describe(report):
        writer.writerow(["#", label, value])
    header = [_("Section"), _("Figure"), _("Key"), _("Unit"), _("Value")]
    if report.baseline is not None:
        header.append(_("Baseline"))
    writer.writerow(header)
    for section, label, figure, base in flat_rows(report):
        row = [section, label, figure.key, figure.kind, _plain(figure.value, figure.kind)]
        if report.baseline is not None:
            row.append("" if base is None else _plain(base.value, base.kind))
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _cell_value(figure: Figure | None):
    if figure is None or figure.value is None:
        return None
    if figure.kind == PERCENT:
        return float(figure.value) / 100
    if figure.kind == COUNT:
        return int(figure.value)
    return float(figure.value)


def _sheet_title(title: str, used: set[str]) -> str:
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31]
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


def to_xlsx(report: Report) -> bytes:
    """A summary sheet (period, filters, service goals) and one sheet per section."""
    book = Workbook()
    bold = Font(bold=True)
    used: set[str] = set()
    summary = book.active
    summary.title = _sheet_title(_("Summary"), used)
    for label, value in describe(report):
        summary.append([label, value])
    summary.append([])
    summary.append([_("Service goal"), _("Target"), _("Result"), _("Met")])
    summary.cell(summary.max_row, 1).font = bold
    for result in report.goals:
        goal = result.goal
        target = float(goal.target) / 100 if goal.is_percentage else float(goal.target)
        actual = (
            None if result.actual is None else (result.actual / 100 if goal.is_percentage else result.actual)
        )
        met = _("no data") if result.met is None else (_("met") if result.met else _("not met"))
        summary.append([f"{goal.get_metric_display()} ({goal.scope_label})", target, actual, met])
        fmt = "0.0%" if goal.is_percentage else "0.00"
        summary.cell(summary.max_row, 2).number_format = fmt
        summary.cell(summary.max_row, 3).number_format = fmt
    summary.column_dimensions["A"].width = 60
    for section in layout.sections(report):
        sheet = book.create_sheet(_sheet_title(str(section.title), used))
        header = [_("Figure"), _("Value")]
        if report.baseline is not None:
            header.append(_("Baseline"))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = bold
        baseline = report.baseline.figures if report.baseline is not None else {}
        for label, figure in section.figures:
            row = [label, _cell_value(figure)]
            if report.baseline is not None:
                row.append(_cell_value(baseline.get(figure.key)))
            sheet.append(row)
            for column in range(2, len(row) + 1):
                sheet.cell(sheet.max_row, column).number_format = NUMBER_FORMATS.get(figure.kind, "0.00")
        sheet.column_dimensions["A"].width = 70
        for column in range(2, 4):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
