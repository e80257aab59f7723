"""An example menu to start from: open and closed branches, queues, a message and a callback.

Used by ``manage.py telephony_example_menu`` (for a new installation or the demo) and by tests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.telephony.models import AfterMessage, Hours, Menu, MenuNode, NodeKind

CALLBACK_PROMPT = (
    "Tast 1, hvis vi skal ringe til det nummer, du ringer fra. "
    "Vil du ringes op på et andet nummer, så tast det og afslut med firkant."
)


@transaction.atomic
def build_example_menu(*, code: str, area_topic: Topic, licence_topic: Topic, numbers: str = "") -> Menu:
    """Create the example menu ``code`` (replacing one with that code)."""
    Menu.objects.filter(code=code).delete()
    menu = Menu.objects.create(
        code=code, name="Erhvervskontakt (eksempel)", numbers=numbers, english_digit="9"
    )
    general = Topic.objects.filter(code=settings.TELEPHONY_GENERAL_TOPIC).first()
    callback_topic = None if general else area_topic

    def node(parent, digit, kind, title, prompt_da="", prompt_en="", **extra) -> MenuNode:
        item = MenuNode(
            menu=menu, parent=parent, digit=digit, kind=kind, title=title,
            prompt_da=prompt_da, prompt_en=prompt_en, **extra,
        )  # fmt: skip
        item.full_clean()
        item.save()
        return item

    root = node(
        None, "", NodeKind.MENU, "Velkomst",
        "Velkommen til Erhvervskontakt i Københavns Kommune. "
        "Om udeservering, skilte og brug af byens arealer, tast 1. "
        "Om alkoholbevilling, tast 2. Vil du ringes op, tast 3. "
        "For alt andet, tast 0. For English, press 9.",
        "Welcome to the City of Copenhagen's business contact centre. "
        "For outdoor seating, signs and the use of public space, press 1. "
        "For alcohol licences, press 2. To be called back, press 3. For anything else, press 0.",
        hours=Hours.OPEN,
    )  # fmt: skip
    node(root, "1", NodeKind.UNIT_QUEUE, "Byens arealer",
         "Vent venligst, du stilles om til Byens Anvendelse.", unit=area_topic.unit)  # fmt: skip
    licences = node(
        root, "2", NodeKind.MENU, "Bevillinger",
        "Om alkoholbevilling, tast 1. Hør Bevillingssekretariatets telefontid, tast 2. "
        "Tast stjerne for at gå tilbage.",
        "For alcohol licences, press 1. For the licensing secretariat's phone hours, press 2. "
        "Press star to go back.",
    )  # fmt: skip
    node(licences, "1", NodeKind.UNIT_QUEUE, "Alkoholbevilling", unit=licence_topic.unit)
    node(
        licences, "2", NodeKind.MESSAGE, "Telefontid",
        "Bevillingssekretariatet har telefontid mandag til torsdag klokken 10 til 14 og fredag 10 til 12.",
        "The licensing secretariat takes calls Monday to Thursday 10 to 2 and Friday 10 to 12.",
        after_message=AfterMessage.BACK,
    )  # fmt: skip
    node(root, "3", NodeKind.CALLBACK, "Ring mig op", CALLBACK_PROMPT,
         "Press 1 to be called on the number you are calling from, "
         "or type another number and finish with hash.",
         topic=callback_topic)  # fmt: skip
    node(root, "0", NodeKind.CONTACT_CENTRE, "Vejledning")
    closed = node(
        None, "", NodeKind.MENU, "Lukket",
        "Erhvervskontakt har lukket. Vi har åbent mandag til torsdag 9 til 16 og fredag 9 til 14. "
        "Vil du ringes op, når vi har åbent, tast 1. Om udeservering, tast 2.",
        "The business contact centre is closed. To be called back when we open, press 1. "
        "For outdoor seating, press 2.",
        hours=Hours.CLOSED,
    )  # fmt: skip
    node(closed, "1", NodeKind.CALLBACK, "Ring mig op", CALLBACK_PROMPT, topic=callback_topic)
    node(
        closed, "2", NodeKind.MESSAGE, "Udeservering",
        "Du søger om udeservering på kk.dk slash erhverv. Tak for dit opkald.",
        after_message=AfterMessage.HANGUP,
    )  # fmt: skip
    return menu
