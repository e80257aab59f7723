"""Number formatting for the capacity pages (localised: 88,8 % in Danish, 88.8% in English)."""

from __future__ import annotations

import math

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


def _missing(value) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


@register.filter
def pct(value, digits: int = 1) -> str:
    """A fraction as a percentage: 0.888 -> "88,8 %"."""
    if _missing(value):
        return "–"
    return f"{number_format(float(value) * 100, decimal_pos=int(digits))}\u00a0%"


@register.filter
def num(value, digits: int = 0) -> str:
    """A number with ``digits`` decimals; "–" for nothing and "∞" for infinity."""
    if _missing(value):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return number_format(float(value), decimal_pos=int(digits), use_l10n=True, force_grouping=True)


@register.filter
def secs(value) -> str:
    """Seconds with one decimal and a unit."""
    if _missing(value):
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return _("no answer")
    return f"{number_format(float(value), decimal_pos=1)}\u00a0s"


@register.filter
def plusminus(value, kind: str = "pct") -> str:
    """A confidence half-width: "± 1,2 %-point" for shares, "± 0,8 s" for seconds."""
    if _missing(value):
        return ""
    if kind == "secs":
        return f"±\u00a0{number_format(float(value), decimal_pos=1)}\u00a0s"
    return f"±\u00a0{number_format(float(value) * 100, decimal_pos=1)}"


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template (None when missing)."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def add_days(day, days):
    """``day`` plus ``days`` days (for week navigation links)."""
    import datetime as dt

    try:
        return day + dt.timedelta(days=int(days))
    except (TypeError, ValueError):
        return day
