from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "erhvervskontakt.organisation"
    label = "organisation"
    verbose_name = _("Organisation")

    def ready(self):
        from erhvervskontakt.organisation.signals import ensure_roles

        post_migrate.connect(ensure_roles, dispatch_uid="organisation.ensure_roles")
