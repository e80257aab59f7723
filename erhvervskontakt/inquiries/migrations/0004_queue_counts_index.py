"""PostgreSQL indexes tuned on a million inquiries (bench/workflow_queue_search.py).

* The unit queue's counts (open, overdue, unassigned, waiting) read only open matters of one
  unit; with the counted columns in the index PostgreSQL answers from the index alone.
* The search matches a person's name through contact persons (a small table); the inquiry's
  own ``contact_name`` is searched only for inquiries without a contact person (senders the
  system does not know), so its trigram index covers just those rows. Common name fragments
  ("sen", "han") made the full index slow to scan.

SQLite has neither INCLUDE nor trigram indexes and does not need them at its size.
"""

from django.db import migrations

FORWARDS = [
    "CREATE INDEX IF NOT EXISTS matter_open_counts_idx ON inquiries_matter (unit_id) "
    "INCLUDE (id, status, assignee_id, due_at) WHERE NOT (status = 'closed');",
    "DROP INDEX IF EXISTS inquiry_contact_name_trgm;",
    'CREATE INDEX IF NOT EXISTS inquiry_unknown_sender_trgm ON inquiries_inquiry USING gin '
    '((UPPER("contact_name"::text)) gin_trgm_ops) WHERE contact_id IS NULL;',
]
BACKWARDS = [
    "DROP INDEX IF EXISTS matter_open_counts_idx;",
    "DROP INDEX IF EXISTS inquiry_unknown_sender_trgm;",
    'CREATE INDEX IF NOT EXISTS inquiry_contact_name_trgm ON inquiries_inquiry USING gin '
    '((UPPER("contact_name"::text)) gin_trgm_ops);',
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARDS:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARDS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("inquiries", "0003_queue_and_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
