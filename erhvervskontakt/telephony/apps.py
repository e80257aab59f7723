from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TelephonyConfig(AppConfig):
    name = "erhvervskontakt.telephony"
    label = "telephony"
    verbose_name = _("Telephony")

    def ready(self):
        from erhvervskontakt.organisation.models import StaffProfile
        from erhvervskontakt.telephony import screen_pop

        # A changed phone number in a staff profile maps calls to the right agent at once.
        for signal in (post_save, post_delete):
            signal.connect(
                screen_pop.forget_staff_phones, sender=StaffProfile, dispatch_uid=f"telephony-{signal}"
            )
