"""Who may use capacity planning: managers, and nobody else (not even administrators).

Anonymous visitors are sent to the login page; logged-in staff without the manager role get 403.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from erhvervskontakt.organisation.roles import Role, has_role


def can_plan(user) -> bool:
    return has_role(user, Role.MANAGER)


def manager_required(view):
    """Decorate a view: login first, then the manager role (refusal = 403)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_plan(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
