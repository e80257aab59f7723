"""Numbers as people read them, in the active language (Danish: 1.234 and 85,9 %)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from erhvervskontakt.reporting.figures import COUNT, DAYS, PERCENT, SCORE, SECONDS, Figure, Report

DASH = "–"


def format_value(value, kind: str = COUNT) -> str:
    if value is None:
        return DASH
    if kind == COUNT:
        return number_format(int(value), force_grouping=True)
    if kind == PERCENT:
        return _("%(number)s %%") % {"number": number_format(value, decimal_pos=1, force_grouping=True)}
    if kind == SECONDS:
        return _("%(number)s s") % {"number": number_format(value, decimal_pos=0, force_grouping=True)}
    if kind in (SCORE, DAYS):
        return number_format(value, decimal_pos=1, force_grouping=True)
    return number_format(value, decimal_pos=2, force_grouping=True)


def format_figure(figure: Figure | None) -> str:
    return DASH if figure is None else format_value(figure.value, figure.kind)


def format_change(value, kind: str) -> str:
    """A difference with its sign; percentages as percentage points."""
    if value is None:
        return DASH
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    magnitude = abs(value)
    if kind == PERCENT:
        return _("%(sign)s%(number)s points") % {
            "sign": sign,
            "number": number_format(magnitude, decimal_pos=1, force_grouping=True),
        }
    return sign + format_value(magnitude, kind)


def drill_params(report: Report, figure: Figure) -> dict[str, str] | None:
    """Query parameters of the drill-down list behind ``figure`` (None when it has none)."""
    if not figure.drillable:
        return None
    period = figure.period or report.period
    return {**period.as_params(), **report.scope.as_params(), **figure.params, "measure": figure.measure}


def drill_url(report: Report, figure: Figure | None) -> str | None:
    if figure is None:
        return None
    params = drill_params(report, figure)
    if params is None:
        return None
    base = getattr(report, "_drilldown_path", None)
    if base is None:  # resolved once per report: a page has hundreds of links
        base = report._drilldown_path = reverse("reporting:drilldown")
    return f"{base}?{urlencode(params)}"
