"""Access checks for workspace views: every view states who may use it; refusals are 403s."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from erhvervskontakt.inquiries.access import is_inquiry_staff
from erhvervskontakt.organisation.roles import has_role


def staff_required(view):
    """Agents, caseworkers, unit contact persons and managers (everyone who reads inquiries)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_inquiry_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_required(*roles: str):
    """Only holders of one of ``roles``."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
