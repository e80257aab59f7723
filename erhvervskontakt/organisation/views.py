from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from erhvervskontakt.organisation.roles import Role, roles_of

# Where each role starts; the first matching role wins.
START_PAGES = [
    (Role.AGENT, "workspace:agent-home"),
    (Role.CASEWORKER, "workspace:unit-queue"),
    (Role.UNIT_CONTACT, "workspace:unit-queue"),
    (Role.MANAGER, "reporting:dashboard"),
    (Role.CONTENT_EDITOR, "admin:index"),
    (Role.ADMINISTRATOR, "admin:index"),
]


@login_required
def staff_home(request):
    """Send staff to the page their role works from."""
    roles = roles_of(request.user)
    for role, url_name in START_PAGES:
        if role in roles:
            try:
                return redirect(reverse(url_name))
            except NoReverseMatch:
                continue
    if request.user.is_staff:
        return redirect("admin:index")
    return render(request, "organisation/no_role.html", status=403)
