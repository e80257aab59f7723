from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "erhvervskontakt.routing"
    label = "routing"
    verbose_name = _("Routing")

    def ready(self):
        from erhvervskontakt.catalogue.models import Topic, TopicLink
        from erhvervskontakt.organisation.models import Department, Unit
        from erhvervskontakt.routing import topics

        # What suggestions show about a topic is cached per process; an edit clears it.
        for model in (Topic, TopicLink, Unit, Department):
            post_save.connect(
                topics.clear, sender=model, dispatch_uid=f"routing-topics-{model.__name__}-save"
            )
            post_delete.connect(
                topics.clear, sender=model, dispatch_uid=f"routing-topics-{model.__name__}-del"
            )
