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
        from erhvervskontakt.routing import serving, topics

        # What suggestions show about a topic is cached per process; an edit clears it, and the next
        # suggestion checks which model is active.
        for model in (Topic, TopicLink, Unit, Department):
            for signal, kind in ((post_save, "save"), (post_delete, "delete")):
                uid = f"routing-{model.__name__}-{kind}"
                signal.connect(topics.clear, sender=model, dispatch_uid=f"{uid}-topics")
                signal.connect(serving.catalogue_changed, sender=model, dispatch_uid=f"{uid}-model")
