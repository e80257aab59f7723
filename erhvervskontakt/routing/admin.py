"""Administrators' view of routing models and training runs: what is active, what each model was
trained on and how it scored, every training decision; "train now" and roll-back to a stored version.

Only administrators (role) and superusers see these. Nothing is edited by hand: models change only
through ``routing.training``.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from erhvervskontakt.organisation.admin_base import ReadOnlyForAdministrators
from erhvervskontakt.organisation.roles import is_administrator
from erhvervskontakt.routing import tasks, training
from erhvervskontakt.routing.models import ModelVersion, TrainingRun, Trigger


def _metrics(m: dict) -> str:
    if not m:
        return "–"
    return (
        f"top1 {m['top1']:.3f} · top3 {m['top3']:.3f} · dept {m['dept']:.3f} · "
        f"multi {m['multi']:.3f} (n={m['n']})"
    )


@admin.register(ModelVersion)
class ModelVersionAdmin(ReadOnlyForAdministrators):
    change_list_template = "admin/routing/modelversion/change_list.html"
    list_display = ["version", "is_active", "trained_at", "trigger", "training_size", "scores", "stored"]
    list_filter = ["is_active", "trigger"]
    actions = ["activate_selected"]
    exclude = ["blob"]
    readonly_fields = [
        "version",
        "engine_version",
        "is_active",
        "trained_at",
        "activated_at",
        "trigger",
        "triggered_by",
        "data_hash",
        "training_size",
        "training_sources",
        "n_topics",
        "holdout_source",
        "holdout_metrics",
        "train_seconds",
        "size_bytes",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("blob").select_related("triggered_by")

    @admin.display(description=_("held-back scores"))
    def scores(self, obj):
        return _metrics(obj.holdout_metrics)

    @admin.display(description=_("stored"), boolean=True)
    def stored(self, obj):
        return obj.size_bytes > 0

    def get_actions(self, request):
        return super().get_actions(request) if is_administrator(request.user) else {}

    @admin.action(description=_("Activate the selected version again (roll-back)"))
    def activate_selected(self, request, queryset):
        if not is_administrator(request.user):
            raise PermissionDenied
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to activate."), messages.ERROR)
            return
        version = queryset.get()
        try:
            training.activate_version(version, actor=request.user)
        except ValueError:
            self.message_user(
                request, _("This version is no longer stored; train a new model instead."), messages.ERROR
            )
            return
        self.message_user(request, _("Routing model %(v)s is active.") % {"v": version.version})

    def get_urls(self):
        extra = [
            path(
                "retrain/",
                self.admin_site.admin_view(self.retrain_view),
                name="routing_modelversion_retrain",
            )
        ]
        return extra + super().get_urls()

    def retrain_view(self, request):
        """Start a training in the background; the outcome appears under training runs."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not is_administrator(request.user):
            raise PermissionDenied
        force = request.POST.get("force") == "1"
        tasks.retrain_model.delay(trigger=Trigger.ADMIN, user_id=request.user.pk, force=force)
        self.message_user(
            request,
            _(
                "Training started. It takes a minute or two; the outcome is listed under training runs. "
                "The new model replaces the active one only if it is not worse."
            )
            if not force
            else _("Training started; the new model will be activated even if it scores lower."),
        )
        return HttpResponseRedirect(reverse("admin:routing_trainingrun_changelist"))


@admin.register(TrainingRun)
class TrainingRunAdmin(ReadOnlyForAdministrators):
    list_display = [
        "started_at",
        "status",
        "trigger",
        "triggered_by",
        "forced",
        "training_size",
        "new",
        "old",
    ]
    list_filter = ["status", "trigger"]
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("triggered_by", "model")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in TrainingRun._meta.fields]

    @admin.display(description=_("new model"))
    def new(self, obj):
        return _metrics(obj.candidate_metrics)

    @admin.display(description=_("active model"))
    def old(self, obj):
        return _metrics(obj.previous_metrics)
