"""Versioned routing models and the record of every training run.

A ``ModelVersion`` row holds one trained model (the engine's pickled ``RoutingModel``) with what
it was trained on and how it scored on the held-back labelled data. Exactly one version is
active; every process serving suggestions loads it (``routing.serving``). Rows change only
through ``routing.training`` (train, decide, activate), which also writes a ``TrainingRun`` for
every attempt, whatever the outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trigger(models.TextChoices):
    SCHEDULE = "schedule", _("Nightly schedule")
    COMMAND = "command", _("Command line")
    SETUP = "setup", _("Set-up (first model)")
    ADMIN = "admin", _("Administrator")
    FIRST_USE = "first_use", _("First suggestion without a model")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    ACTIVATED = "activated", _("New model activated")
    KEPT = "kept", _("Active model kept (new one was worse)")
    UNCHANGED = "unchanged", _("Skipped: training data unchanged")
    BUSY = "busy", _("Skipped: another training was running")
    FAILED = "failed", _("Failed")


class ModelVersion(models.Model):
    """One trained routing model. Only models that were activated at some point are stored."""

    version = models.CharField(_("version"), max_length=64, unique=True)
    engine_version = models.CharField(_("engine version"), max_length=16)
    trained_at = models.DateTimeField(_("trained at"))
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )
    data_hash = models.CharField(_("training data hash"), max_length=64)
    training_size = models.PositiveIntegerField(_("training examples"))
    # {"catalogue": 4113, "extra": 0, "staff": 120}: examples by source.
    training_sources = models.JSONField(_("examples by source"), default=dict)
    n_topics = models.PositiveSmallIntegerField(_("topics"))
    # Scores on the held-back labelled data when the model was trained:
    # {"n", "top1", "top3", "dept", "multi", "multi_n"}.
    holdout_metrics = models.JSONField(_("held-back scores"), default=dict)
    holdout_source = models.CharField(_("held-back data"), max_length=32, blank=True)
    train_seconds = models.FloatField(_("training time (s)"), default=0.0)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    # The pickled engine model. Kept in the database so every web and worker process, on any
    # host, reads the same bytes in the same transaction that says which version is active.
    # Blobs of old inactive versions are emptied (ROUTING_KEEP_MODELS) to bound storage.
    blob = models.BinaryField(_("model"), editable=False)

    class Meta:
        ordering = ["-trained_at", "-id"]
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="routing_one_active_model"
            )
        ]

    def __str__(self) -> str:
        return self.version


class TrainingRun(models.Model):
    """One attempt to train a model, and what was decided: written when it starts, completed once
    when it ends, never changed afterwards."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("triggered by"),
    )
    forced = models.BooleanField(_("forced"), default=False)
    status = models.CharField(
        _("outcome"), max_length=16, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    reason = models.TextField(_("reason"), blank=True)
    candidate_version = models.CharField(_("candidate version"), max_length=64, blank=True)
    model = models.ForeignKey(
        ModelVersion,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("model activated"),
    )
    previous_version = models.CharField(_("previously active version"), max_length=64, blank=True)
    data_hash = models.CharField(_("training data hash"), max_length=64, blank=True)
    training_size = models.PositiveIntegerField(_("training examples"), default=0)
    training_sources = models.JSONField(_("examples by source"), default=dict)
    holdout_source = models.CharField(_("held-back data"), max_length=32, blank=True)
    candidate_metrics = models.JSONField(_("new model's held-back scores"), default=dict)
    previous_metrics = models.JSONField(_("active model's held-back scores"), default=dict)
    train_seconds = models.FloatField(_("training time (s)"), default=0.0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.get_status_display()}"
