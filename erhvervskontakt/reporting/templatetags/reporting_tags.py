"""Template helpers for report pages: formatted figures and their drill-down links."""

from django import template
from django.utils.html import format_html

from erhvervskontakt.reporting import formatting

register = template.Library()


@register.filter
def fmt(figure):
    """``{{ figure|fmt }}``: the figure's value formatted for its kind."""
    return formatting.format_figure(figure)


@register.filter
def fmt_value(value, kind="count"):
    return formatting.format_value(value, kind)


@register.filter
def fmt_change(value, kind="count"):
    return formatting.format_change(value, kind)


@register.simple_tag
def drill(report, figure):
    """The drill-down URL behind a figure, or an empty string."""
    return formatting.drill_url(report, figure) or ""


@register.filter
def fig(report, key):
    """``{{ report|fig:"inquiries.count" }}``: a figure by key."""
    return report.figures.get(key)


@register.simple_tag
def cell(report, figure):
    """A figure as shown in a report table: its formatted value, linked to the list behind it.

    A tag rather than an included template: a yearly report has hundreds of cells.
    """
    if figure is None or report is None:
        return ""
    text = formatting.format_figure(figure)
    url = formatting.drill_url(report, figure)
    return format_html('<a href="{}">{}</a>', url, text) if url else text
