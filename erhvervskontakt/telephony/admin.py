"""Admin: content editors build menus; administrators manage integrations and read call records."""

from __future__ import annotations

from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.telephony import auth
from erhvervskontakt.telephony.models import (
    Call,
    CallEvent,
    Integration,
    IntervalStatistic,
    Menu,
    MenuNode,
    NodeKind,
)

NODE_FIELDS = ["digit", "kind", "title", "prompt_da", "prompt_en", "unit", "topic", "after_message"]


class DistinctFormSet(BaseInlineFormSet):
    """Refuses two rows of one submission with the same value (the database would, with a 500)."""

    distinct_field = ""
    message = ""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(self.distinct_field)
            if value and value in seen:
                form.add_error(self.distinct_field, self.message)
            seen.add(value)


class EntryFormSet(DistinctFormSet):
    distinct_field = "hours"
    message = _("The menu already has a first menu for these hours.")


class ChoiceFormSet(DistinctFormSet):
    distinct_field = "digit"
    message = _("Another choice in this menu already uses that digit.")


class EntryInline(admin.StackedInline):
    """The first menus of a menu: one for open hours, one for closed hours."""

    model = MenuNode
    fk_name = "menu"
    formset = EntryFormSet
    fields = ["hours", "kind", "title", "prompt_da", "prompt_en", "audio", "unit", "topic", "after_message"]
    extra = 0
    max_num = 2
    show_change_link = True
    verbose_name = _("first menu")
    verbose_name_plural = _("first menus (open and closed hours); add choices to them on their own page")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)


class ChoiceInline(admin.StackedInline):
    """The digit choices under a menu step."""

    model = MenuNode
    fk_name = "parent"
    formset = ChoiceFormSet
    fields = NODE_FIELDS
    extra = 0
    show_change_link = True
    verbose_name = _("choice")
    verbose_name_plural = _("choices (press a digit)")


def _tree(node: MenuNode, children: dict, depth: int = 0, seen=None) -> list[tuple]:
    seen = seen or set()
    if node.pk in seen:
        return []
    seen.add(node.pk)
    rows = [(node, depth)]
    for child in children.get(node.pk, []):
        rows += _tree(child, children, depth + 1, seen)
    return rows


@admin.register(Menu)
class MenuAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "numbers", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "code", "numbers"]
    readonly_fields = ["overview"]
    inlines = [EntryInline]
    fieldsets = [
        (None, {"fields": ["name", "code", "numbers", "is_active", "overview"]}),
        (_("Repeats and fallback"), {"fields": ["timeout_seconds", "max_attempts", "english_digit"]}),
        (
            _("Standard phrases"),
            {
                "classes": ["collapse"],
                "fields": [
                    ("invalid_da", "invalid_en"),
                    ("no_input_da", "no_input_en"),
                    ("fallback_da", "fallback_en"),
                    ("callback_confirm_da", "callback_confirm_en"),
                    ("closed_da", "closed_en"),
                ],
            },
        ),
    ]

    @admin.display(description=_("Menu tree"))
    def overview(self, menu: Menu):
        if not menu.pk:
            return _("Save the menu, then add its first menus.")
        nodes = list(menu.nodes.select_related("unit").order_by("digit", "pk"))
        children: dict = {}
        for node in nodes:
            children.setdefault(node.parent_id, []).append(node)
        rows = []
        for entry in children.get(None, []):
            rows += _tree(entry, children)
        items = format_html_join(
            "",
            '<li style="margin-left:{}em"><strong>{}</strong> <a href="{}">{}</a> – {}</li>',
            (
                (
                    2 * depth,
                    node.digit or node.get_hours_display(),
                    reverse("admin:telephony_menunode_change", args=[node.pk]),
                    node.title,
                    node.get_kind_display() + (f" ({node.unit.code})" if node.unit_id else ""),
                )
                for node, depth in rows
            ),
        )
        simulator = reverse("telephony:simulator") + f"?menu={menu.pk}"
        return format_html(
            '<ul style="list-style:none;padding:0">{}</ul><p><a href="{}">{}</a></p>',
            items,
            simulator,
            _("Try the menu in the simulator"),
        )


@admin.register(MenuNode)
class MenuNodeAdmin(admin.ModelAdmin):
    list_display = ["title", "menu", "path", "kind", "unit"]
    list_filter = ["menu", "kind"]
    search_fields = ["title", "prompt_da", "prompt_en"]
    list_select_related = ["menu", "unit", "parent"]
    fields = ["menu", "parent", "hours", *NODE_FIELDS[:5], "audio", *NODE_FIELDS[5:]]

    def get_inlines(self, request, obj):
        return [ChoiceInline] if obj is not None and obj.kind == NodeKind.MENU else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = MenuNode.objects.filter(kind=NodeKind.MENU).select_related("menu")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("digits"))
    def path(self, node: MenuNode) -> str:
        return node.path_label() or node.get_hours_display()


@admin.register(Integration)
class IntegrationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "allow_ivr", "allow_cti", "token_hint", "last_used_at"]
    readonly_fields = ["token_hint", "signing_secret", "created_at", "last_used_at"]
    fields = ["name", "is_active", "allow_ivr", "allow_cti", *readonly_fields]
    actions = ["new_token", "new_signing_secret"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            token = auth.issue_token(obj)
            auth.issue_signing_secret(obj)
            self.message_user(
                request,
                _("Token for %(name)s (shown only now): %(token)s") % {"name": obj.name, "token": token},
                messages.WARNING,
            )

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def new_token(self, request, queryset):
        for integration in queryset:
            token = auth.issue_token(integration)
            self.message_user(
                request,
                _("Token for %(name)s (shown only now): %(token)s")
                % {"name": integration.name, "token": token},
                messages.WARNING,
            )

    @admin.action(description=_("Issue a new signing secret"))
    def new_signing_secret(self, request, queryset):
        for integration in queryset:
            auth.issue_signing_secret(integration)
        self.message_user(request, _("New signing secrets issued; configure them on the platform."))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Call records are written by events only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CallEventInline(admin.TabularInline):
    model = CallEvent
    fields = ["occurred_at", "kind", "payload", "received_at", "integration"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "from_number",
        "queue",
        "outcome",
        "answered_by",
        "wait_seconds",
        "menu_path",
    ]
    list_filter = ["outcome", "queue", "direction"]
    search_fields = ["call_id", "from_number", "from_normalized", "callback_reference"]
    date_hierarchy = "started_at"
    inlines = [CallEventInline]
    list_select_related = ["answered_by"]


@admin.register(IntervalStatistic)
class IntervalStatisticAdmin(ReadOnlyAdmin):
    list_display = [
        "interval_start",
        "queue",
        "offered",
        "answered",
        "abandoned",
        "answered_within_target",
        "source",
    ]
    list_filter = ["queue", "source"]
    date_hierarchy = "interval_start"
