"""The service goals the city starts with (administrators change them in the admin).

Notes are data in Danish, like the catalogue; the goal itself is shown through translated labels.
"""

from decimal import Decimal

from django.db import migrations

DEFAULT_GOALS = [
    ("response_within_due", Decimal("95"), "95 % af sagerne besvaret inden for emnets arbejdsdage"),
    ("call_service_level", Decimal("80"), "80 % af opkaldene besvaret inden for 20 sekunder"),
    ("satisfaction_accessibility", Decimal("4"), "Tilfredshed mindst 4 af 5"),
    ("satisfaction_web_quality", Decimal("4"), "Tilfredshed mindst 4 af 5"),
    ("satisfaction_responsiveness", Decimal("4"), "Tilfredshed mindst 4 af 5"),
    ("satisfaction_professional_benefit", Decimal("4"), "Tilfredshed mindst 4 af 5"),
]


def create(apps, schema_editor):
    ServiceGoal = apps.get_model("reporting", "ServiceGoal")
    if ServiceGoal.objects.exists():
        return
    for metric, target, note in DEFAULT_GOALS:
        ServiceGoal.objects.create(metric=metric, target=target, call_target_seconds=20, note=note)


def remove(apps, schema_editor):
    ServiceGoal = apps.get_model("reporting", "ServiceGoal")
    ServiceGoal.objects.filter(metric__in=[g[0] for g in DEFAULT_GOALS], department=None, topic=None).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
