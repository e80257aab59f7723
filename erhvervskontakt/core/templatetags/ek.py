"""Template helpers used across faces."""

from django import template

from erhvervskontakt.core import clock
from erhvervskontakt.core.i18n import localized

register = template.Library()


@register.filter
def tr(obj, field: str) -> str:
    """``{{ topic|tr:"description" }}``: a bilingual field in the active language."""
    return localized(obj, field)


@register.filter
def local_date(value):
    return clock.local(value).date() if value else ""


@register.filter
def lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


@register.filter
def paragraphs(value: str) -> list[str]:
    return [p.strip() for p in (value or "").split("\n\n") if p.strip()]
