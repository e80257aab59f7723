from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "erhvervskontakt.portal"
    label = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from erhvervskontakt.catalogue.models import FormDefinition, Theme, Topic, TopicLink
        from erhvervskontakt.organisation.models import Department, Unit
        from erhvervskontakt.portal.cache import bump_catalogue_version

        # Cached public pages show these rows: any change makes every process render afresh.
        for model in (Topic, Theme, TopicLink, FormDefinition, Unit, Department):
            post_save.connect(
                bump_catalogue_version, sender=model, dispatch_uid=f"portal-cache-save-{model.__name__}"
            )
            post_delete.connect(
                bump_catalogue_version, sender=model, dispatch_uid=f"portal-cache-delete-{model.__name__}"
            )
        m2m_changed.connect(
            bump_catalogue_version, sender=Topic.themes.through, dispatch_uid="portal-cache-themes"
        )
