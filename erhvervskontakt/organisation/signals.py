"""Keep the role groups and their admin permissions in place after every migrate."""

from django.contrib.auth.models import Group, Permission

from erhvervskontakt.organisation.roles import Role

# Admin permissions per role, as (app label, model) pairs; None means every model of the app.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str | None]]] = {
    Role.CONTENT_EDITOR: [("catalogue", None), ("telephony", "menu"), ("telephony", "menunode")],
    Role.ADMINISTRATOR: [
        ("organisation", None),
        ("auth", "user"),
        ("auth", "group"),
        ("core", "closedday"),
        ("outbox", "outboundmessage"),
        ("mail", None),
        ("catalogue", None),
        ("telephony", None),
    ],
    Role.MANAGER: [("reporting", None), ("capacity", None)],
}


def ensure_roles(sender=None, **kwargs):
    for role in Role.values:
        group, _ = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role)
        if not wanted:
            continue
        perms = Permission.objects.none()
        for app_label, model in wanted:
            query = Permission.objects.filter(content_type__app_label=app_label)
            if model:
                query = query.filter(content_type__model=model)
            perms = perms | query
        group.permissions.set(perms)
