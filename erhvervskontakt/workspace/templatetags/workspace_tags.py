"""Template helpers for the workspace: due-date badges and accessible form fields."""

from django import template

register = template.Library()


@register.inclusion_tag("workspace/partials/due.html")
def due(days_left, paused=False, due_at=None):
    """The due date with the working days left (or overdue), or 'paused' while waiting."""
    overdue = -days_left if days_left is not None and days_left < 0 else 0
    return {"days": days_left, "overdue": overdue, "paused": paused, "due_at": due_at}


@register.inclusion_tag("workspace/partials/field.html")
def field(bound_field, hide_label=False):
    return {"f": bound_field, "hide_label": hide_label}


@register.inclusion_tag("workspace/partials/form_errors.html")
def form_errors(form):
    return {"form": form}
