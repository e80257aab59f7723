"""Template helpers for report pages: formatted figures and their drill-down links."""

from django import template

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
