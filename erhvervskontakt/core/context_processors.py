from django.conf import settings

from erhvervskontakt.organisation.roles import roles_of


def site(request):
    user = getattr(request, "user", None)
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "SITE_URL": settings.SITE_URL,
        "user_roles": roles_of(user) if user is not None else frozenset(),
    }
