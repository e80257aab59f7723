"""The Celery application. Tasks are thin wrappers of plain functions in each app's tasks.py.

Periodic jobs are declared next to the work they do: an app with periodic jobs has a
``schedule.py`` holding ``SCHEDULE`` (a Celery beat schedule dict); they are merged here so
no shared file needs editing when an app adds one.
"""

import importlib
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "erhvervskontakt.settings")

app = Celery("erhvervskontakt")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_file_broker_folders(sender, **kwargs):
    # The embedded default's file-system broker needs its folders before the first message.
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)


APPS_WITH_SCHEDULES = (
    "outbox",
    "inquiries",
    "mail",
    "routing",
    "portal",
    "telephony",
    "reporting",
    "capacity",
)


@app.on_after_finalize.connect
def _merge_schedules(sender, **kwargs):
    schedule = dict(sender.conf.beat_schedule or {})
    for name in APPS_WITH_SCHEDULES:
        try:
            module = importlib.import_module(f"erhvervskontakt.{name}.schedule")
        except ModuleNotFoundError as exc:
            if exc.name != f"erhvervskontakt.{name}.schedule":
                raise
            continue
        schedule.update(module.SCHEDULE)
    sender.conf.beat_schedule = schedule
