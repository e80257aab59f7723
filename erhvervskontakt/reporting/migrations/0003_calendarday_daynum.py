"""Number calendar days so reports join them on an integer computed without time-zone functions.

The calendar table is a cache of core.workdays: it is emptied here and rebuilt on first use.
"""

from django.db import migrations, models


def empty_calendar(apps, schema_editor):
    apps.get_model("reporting", "CalendarDay").objects.all().delete()
    apps.get_model("reporting", "CalendarBuild").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_default_goals")]
    operations = [
        migrations.RunPython(empty_calendar, migrations.RunPython.noop),
        migrations.AddField(
            model_name="calendarday",
            name="daynum",
            field=models.IntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="calendarday",
            name="daynum",
            field=models.IntegerField(unique=True),
        ),
    ]
