"""IVR menus as content editors build them in the admin.

A menu is a tree of nodes. Its entry nodes (no parent) say whether they play while the contact
centre is open or closed; every other node hangs under a "menu" node and is reached by pressing
its digit there. What a node does is its ``kind``: offer further choices, put the caller in a
unit's queue or the contact centre's, play an information message, or take a number to call
back.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.catalogue.models import Topic
from erhvervskontakt.core.i18n import Localized
from erhvervskontakt.organisation.models import Unit

DIGITS = [(d, d) for d in "1234567890*#"]
AUDIO_EXTENSIONS = {".wav": "audio/wav", ".mp3": "audio/mpeg"}
AUDIO_MAX_BYTES = 5 * 1024 * 1024


class NodeKind(models.TextChoices):
    MENU = "menu", _("Menu: the caller chooses by pressing a digit")
    UNIT_QUEUE = "unit_queue", _("A unit's queue")
    CONTACT_CENTRE = "contact_centre", _("The contact-centre queue")
    MESSAGE = "message", _("Recorded information message")
    CALLBACK = "callback", _("Leave your number and we call you back")


class Hours(models.TextChoices):
    OPEN = "open", _("While the contact centre is open")
    CLOSED = "closed", _("While the contact centre is closed")


class AfterMessage(models.TextChoices):
    HANGUP = "hangup", _("Say goodbye and hang up")
    BACK = "back", _("Go back to the menu above")
    AGENT = "agent", _("Put the caller through to the contact centre")


def validate_audio(upload) -> None:
    if Path(upload.name).suffix.lower() not in AUDIO_EXTENSIONS:
        raise ValidationError(_("Upload a WAV or MP3 file."), code="audio_type")
    if upload.size > AUDIO_MAX_BYTES:
        raise ValidationError(_("The sound file may be at most 5 MB."), code="audio_size")


def audio_path(instance, filename: str) -> str:
    import uuid

    return f"telephony/audio/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Menu(Localized, models.Model):
    """One IVR: what a caller to one of ``numbers`` hears, with its repeat and fallback rules."""

    code = models.SlugField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Part of the address the telephone platform calls."),
    )
    name = models.CharField(_("name"), max_length=200)
    numbers = models.CharField(
        _("phone numbers"),
        max_length=300,
        blank=True,
        help_text=_("The numbers callers dial to reach this menu, separated by commas (for reports)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    timeout_seconds = models.PositiveSmallIntegerField(
        _("seconds to wait for a digit"), default=5, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("times a prompt is played"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_(
            "After this many timeouts or invalid digits the caller is put through to an agent "
            "(or hears the closed message outside opening hours)."
        ),
    )
    english_digit = models.CharField(
        _("digit for English"),
        max_length=1,
        blank=True,
        choices=DIGITS,
        help_text=_("Pressing it in the first menu replays the menu in English. Leave empty for none."),
    )
    invalid_da = models.CharField(
        _("invalid choice (Danish)"), max_length=300, default="Det valg findes ikke. Prøv igen."
    )
    invalid_en = models.CharField(
        _("invalid choice (English)"), max_length=300, default="That is not a valid choice. Please try again."
    )
    no_input_da = models.CharField(
        _("no choice made (Danish)"), max_length=300, default="Vi hørte ikke noget valg."
    )
    no_input_en = models.CharField(
        _("no choice made (English)"), max_length=300, default="We did not hear a choice."
    )
    fallback_da = models.CharField(
        _("putting through to an agent (Danish)"),
        max_length=300,
        default="Vi stiller dig videre til en medarbejder.",
    )
    fallback_en = models.CharField(
        _("putting through to an agent (English)"),
        max_length=300,
        default="We are putting you through to an adviser.",
    )
    callback_confirm_da = models.CharField(
        _("callback confirmed (Danish)"),
        max_length=300,
        default="Tak. Vi ringer til dig på {number} {day} mellem {start} og {end}. Farvel.",
        help_text=_("{number}, {day}, {start} and {end} are filled in."),
    )
    callback_confirm_en = models.CharField(
        _("callback confirmed (English)"),
        max_length=300,
        default="Thank you. We will call you on {number} {day} between {start} and {end}. Goodbye.",
    )
    closed_da = models.CharField(
        _("closed, goodbye (Danish)"),
        max_length=300,
        default="Vi har lukket nu. Ring igen i vores åbningstid. Farvel.",
    )
    closed_en = models.CharField(
        _("closed, goodbye (English)"),
        max_length=300,
        default="We are closed now. Please call again in our opening hours. Goodbye.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("IVR menu")
        verbose_name_plural = _("IVR menus")

    def __str__(self) -> str:
        return self.name

    def entry(self, hours: str) -> MenuNode | None:
        """The node a call starts at in ``hours``, or None when the menu has none for them."""
        return self.nodes.filter(parent__isnull=True, hours=hours).first()


class MenuNode(Localized, models.Model):
    """One step of a menu: what the caller hears and what happens next."""

    menu = models.ForeignKey(Menu, models.CASCADE, related_name="nodes", verbose_name=_("menu"))
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reached from"),
        help_text=_("Empty for the first menu a caller hears."),
        limit_choices_to={"kind": NodeKind.MENU},
    )
    digit = models.CharField(
        _("digit"), max_length=1, blank=True, choices=DIGITS, help_text=_("The key that leads here.")
    )
    hours = models.CharField(
        _("plays"),
        max_length=6,
        blank=True,
        choices=Hours.choices,
        help_text=_("Only for a first menu: when callers hear it."),
    )
    kind = models.CharField(_("what happens"), max_length=16, choices=NodeKind.choices, default=NodeKind.MENU)
    title = models.CharField(
        _("title"),
        max_length=100,
        help_text=_("A short name shown to staff in the simulator and on the agent's screen."),
    )
    prompt_da = models.TextField(
        _("what the caller hears (Danish)"),
        blank=True,
        help_text=_(
            "Read aloud by the platform. For a menu: name every choice and its digit. For a callback: "
            "ask the caller to press 1 for the number they call from, or to type another ending with #."
        ),
    )
    prompt_en = models.TextField(_("what the caller hears (English)"), blank=True)
    audio = models.FileField(
        _("recorded sound (WAV or MP3)"),
        upload_to=audio_path,
        blank=True,
        validators=[validate_audio],
        help_text=_("Played instead of the Danish text when present."),
    )
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("The unit whose queue the caller joins, or who calls back."),
    )
    topic = models.ForeignKey(
        Topic,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("topic"),
        help_text=_("For a callback: the topic of the inquiry created (empty: the general topic)."),
    )
    after_message = models.CharField(
        _("after the message"), max_length=8, choices=AfterMessage.choices, default=AfterMessage.HANGUP
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["menu", "parent_id", "digit", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "digit"],
                condition=Q(parent__isnull=False),
                name="unique_menu_node_digit",
                violation_error_message=_("Another choice in this menu already uses that digit."),
            ),
            models.UniqueConstraint(
                fields=["menu", "hours"],
                condition=Q(parent__isnull=True),
                name="unique_menu_entry_hours",
                violation_error_message=_("The menu already has a first menu for these hours."),
            ),
        ]
        verbose_name = _("menu step")
        verbose_name_plural = _("menu steps")

    def __str__(self) -> str:
        return f"{self.menu.code}: {self.path_label() or self.title}"

    def save(self, *args, **kwargs):
        if self.parent_id and not self.menu_id:
            self.menu_id = self.parent.menu_id
        if self.parent_id:
            self.hours = ""
        super().save(*args, **kwargs)

    @property
    def prompt(self) -> str:
        return self.tr("prompt")

    def ancestors(self) -> list[MenuNode]:
        """From the entry node down to this node's parent (guards against cycles)."""
        chain: list[MenuNode] = []
        seen = {self.pk}
        node = self.parent
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    def path_label(self) -> str:
        """'1 Udeservering › 9 Ring mig op': the digits pressed to get here, with titles."""
        steps = [*self.ancestors()[1:], self] if self.parent_id else []
        return " › ".join(f"{n.digit} {n.title}" for n in steps)

    def queue_name(self) -> str:
        if self.kind == NodeKind.UNIT_QUEUE and self.unit_id:
            return self.unit.code
        if self.kind == NodeKind.CONTACT_CENTRE or (
            self.kind == NodeKind.MESSAGE and self.after_message == AfterMessage.AGENT
        ):
            return settings.TELEPHONY_CONTACT_CENTRE_QUEUE
        return ""

    def clean(self) -> None:
        if self.parent_id and not self.menu_id:
            self.menu = self.parent.menu
        errors: dict[str, str] = {}
        if self.parent_id:
            if self.parent.kind != NodeKind.MENU:
                errors["parent"] = _("Choices can only hang under a menu step.")
            elif self.menu_id and self.parent.menu_id != self.menu_id:
                errors["parent"] = _("The step above belongs to another menu.")
            elif self.pk and self.pk in {n.pk for n in [*self.parent.ancestors(), self.parent]}:
                errors["parent"] = _("A step cannot be reached from itself.")
            if not self.digit:
                errors["digit"] = _("Choose the digit that leads here.")
            elif self.parent.parent_id is None and self.digit == self.menu.english_digit:
                errors["digit"] = _("This digit switches the first menu to English.")
            if self.hours:
                errors["hours"] = _("Only a first menu plays at certain hours; leave this empty.")
            siblings = MenuNode.objects.filter(parent_id=self.parent_id, digit=self.digit).exclude(pk=self.pk)
            if self.digit and "digit" not in errors and siblings.exists():
                errors["digit"] = _("Another choice in this menu already uses that digit.")
        else:
            if not self.hours:
                errors["hours"] = _("Say whether this first menu plays while open or closed.")
            if self.digit:
                errors["digit"] = _("A first menu is not reached by a digit; leave this empty.")
            entries = MenuNode.objects.filter(menu_id=self.menu_id, parent__isnull=True, hours=self.hours)
            if self.menu_id and self.hours and entries.exclude(pk=self.pk).exists():
                errors["hours"] = _("The menu already has a first menu for these hours.")
        if self.kind == NodeKind.UNIT_QUEUE and not self.unit_id:
            errors["unit"] = _("Choose the unit whose queue the caller joins.")
        if self.kind in (NodeKind.MENU, NodeKind.MESSAGE, NodeKind.CALLBACK) and not (
            self.prompt_da.strip() or self.audio
        ):
            errors["prompt_da"] = _("Write what the caller hears, or upload a recording.")
        if self.kind == NodeKind.MESSAGE and self.after_message == AfterMessage.BACK and not self.parent_id:
            errors["after_message"] = _("A first menu has no menu above it.")
        if (
            self.kind == NodeKind.CALLBACK
            and not self.topic_id
            and not Topic.objects.filter(code=settings.TELEPHONY_GENERAL_TOPIC).exists()
        ):
            errors["topic"] = _("Choose a topic: the general topic does not exist in the catalogue.")
        if errors:
            raise ValidationError(errors)
