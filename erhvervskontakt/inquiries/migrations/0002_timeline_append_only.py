"""Database triggers that make the timeline append-only even for raw SQL.

The model and queryset already refuse updates and deletes; the triggers guard against
anything that bypasses the ORM. On PostgreSQL, updates and deletes are refused unless a
session sets ``ek.allow_timeline_delete`` (reserved for a future data-retention job that
deletes whole inquiries); TRUNCATE, used to reset test databases, is not affected. On SQLite
only updates are refused by a trigger: Django's test flush there uses DELETE, so deletes are
guarded by the model and queryset alone.
"""

from django.db import migrations

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION inquiries_event_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ek.allow_timeline_delete', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'The timeline is append-only: % on inquiries_event is not allowed', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        # params=None: the function body contains '%' (RAISE format), which must not be
        # taken for a query placeholder.
        schema_editor.execute(PG_FUNCTION, params=None)
        schema_editor.execute(
            "CREATE TRIGGER inquiries_event_no_update BEFORE UPDATE OR DELETE ON inquiries_event "
            "FOR EACH ROW EXECUTE FUNCTION inquiries_event_append_only();"
        )
    elif vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER inquiries_event_no_update BEFORE UPDATE ON inquiries_event "
            "BEGIN SELECT RAISE(ABORT, 'The timeline is append-only: UPDATE on inquiries_event is not allowed'); END;"
        )


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS inquiries_event_no_update ON inquiries_event;")
        schema_editor.execute("DROP FUNCTION IF EXISTS inquiries_event_append_only();")
    elif vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS inquiries_event_no_update;")


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
