"""Template helpers for the workspace: due-date badges and accessible form fields."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def due_label(days_left, paused=False) -> tuple[str, str]:
    """The time left as words and a CSS class (computed once per row, not by a sub-template)."""
    if paused:
        return _("Paused – waiting for the business"), "ek-paused"
    if days_left is None:
        return "", ""
    if days_left < 0:
        n = -days_left
        return ngettext("%(n)d working day overdue", "%(n)d working days overdue", n) % {
            "n": n
        }, "ek-due-overdue"
    if days_left == 0:
        return _("Due today"), "ek-due-soon"
    if days_left == 1:
        return _("1 working day left"), "ek-due-soon"
    return ngettext("%(n)d working day left", "%(n)d working days left", days_left) % {"n": days_left}, ""


@register.inclusion_tag("workspace/partials/due.html")
def due(days_left, paused=False, due_at=None):
    """The due date with the working days left (or overdue), or 'paused' while waiting."""
    text, css = due_label(days_left, paused)
    return {"text": text, "css": css, "due_at": due_at}


@register.inclusion_tag("workspace/partials/field.html")
def field(bound_field, hide_label=False):
    return {"f": bound_field, "hide_label": hide_label}


@register.inclusion_tag("workspace/partials/form_errors.html")
def form_errors(form):
    return {"form": form}


@register.filter
def staff_status(inquiry) -> str:
    """The inquiry's status in staff words (its own labels speak to the business: "Waiting for you")."""
    from erhvervskontakt.inquiries.workflow import InquiryStatus, MatterStatus

    if inquiry.status == InquiryStatus.AWAITING_BUSINESS:
        return MatterStatus.AWAITING_BUSINESS.label
    return inquiry.get_status_display()
