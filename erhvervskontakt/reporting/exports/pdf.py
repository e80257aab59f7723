"""The annual report as a PDF for the steering group and the business council (always in Danish)."""

from __future__ import annotations

import base64
import logging

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from erhvervskontakt.inquiries.workflow import Channel
from erhvervskontakt.reporting import definitions, layout, measures
from erhvervskontakt.reporting.exports import charts, narrative
from erhvervskontakt.reporting.exports.tabular import describe
from erhvervskontakt.reporting.figures import PERCENT, Report
from erhvervskontakt.reporting.formatting import format_value
from erhvervskontakt.reporting.models import GoalMetric

LANGUAGE = "da"
# WeasyPrint reports every layout step at INFO: not worth a log line per page in production.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
BUCKET_TICKS = {
    "0": "0",
    "1": "1",
    "2_5": "2–5",
    "6_10": "6–10",
    "11_20": "11–20",
    "21_40": "21–40",
    "41plus": "41+",
}


def _goal_target(report: Report, metric: str) -> float | None:
    for result in report.goals:
        if result.goal.metric == metric and not result.goal.department_id and not result.goal.topic_id:
            return float(result.goal.target)
    return None


def _chart(svg: str) -> str:
    """The chart as an image source: WeasyPrint draws SVG images itself, text included."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def build_charts(report: Report) -> dict[str, str]:
    f = report.value
    out = {}
    months = report.months
    if months:
        values = [f(f"monthly.{m:%Y-%m}.inquiries") for m in months]
        out["monthly"] = _chart(
            charts.bars([str(MONTHS_3[m.month]) for m in months], values, [format_value(v) for v in values])
        )
    values = [f(f"channel.{c.value}") for c in Channel]
    out["channels"] = _chart(
        charts.bars(
            [str(c.label) for c in Channel],
            values,
            [format_value(f(f"channel.{c.value}_pct"), PERCENT) for c in Channel],
            horizontal=True,
        )
    )
    buckets = measures.RESPONSE_BUCKETS
    values = [f(f"response_days.{key}") for key, _low, _high in buckets]
    out["distribution"] = _chart(
        charts.bars(
            [BUCKET_TICKS[key] for key, _l, _h in buckets],
            values,
            [format_value(v) for v in values],
            xlabel=_("Working days to first response"),
        )
    )
    if report.departments:
        labels = [d.code for d in report.departments]
        values = [f(f"department.{d.code}.response_pct") for d in report.departments]
        out["departments"] = _chart(
            charts.bars(
                labels,
                values,
                [format_value(v, PERCENT) for v in values],
                horizontal=True,
                goal=_goal_target(report, GoalMetric.RESPONSE_WITHIN_DUE),
                limit=105,
            )
        )
    if f("survey.responses"):
        values = [f(f"survey.{dim}.average") for dim in measures.DIMENSIONS]
        out["satisfaction"] = _chart(
            charts.bars(
                [str(measures.DIMENSION_LABELS[d]) for d in measures.DIMENSIONS],
                values,
                [format_value(v, "score") for v in values],
                horizontal=True,
                limit=5.3,
                goal=_goal_target(report, GoalMetric.SATISFACTION_RESPONSIVENESS),
            )
        )
    return out


def title(report: Report) -> str:
    if report.period.is_calendar_year:
        return _("Annual report %(year)s") % {"year": report.period.start.year}
    return _("Report %(period)s") % {"period": report.period.label()}


def render_html(report: Report) -> str:
    with translation.override(LANGUAGE):
        sections = layout.sections(report)
        context = {
            "report": report,
            "title": title(report),
            "description": describe(report),
            "sections": [{"section": s, "text": narrative.text_for(report, s.key)} for s in sections],
            "charts": build_charts(report),
            "goals_text": narrative.goals_sentence(report),
            "definitions": definitions.DEFINITIONS,
        }
        return render_to_string("reporting/annual_report.html", context)


def render_pdf(report: Report) -> bytes:
    # Imported here: WeasyPrint loads Pango at import, which only this download needs.
    from weasyprint import HTML

    return HTML(string=render_html(report)).write_pdf()
