"""Indexes for the unit queue and the inquiry search (see docs/decisions, workspace search).

The queue reads open matters of one unit by due date: a partial index over open matters only
(both databases). The search matches words anywhere in a subject, a requester's name or a
company's name; on PostgreSQL trigram GIN indexes (pg_trgm) make ``icontains`` fast on
millions of rows. Django compiles ``icontains`` to ``UPPER(col::text) LIKE UPPER(%s)``, so the
indexes are on exactly that expression. SQLite (laptops, tests) has no trigram indexes and
does not need them at its size. The company-name index sits on the businesses table because
the inquiry search and the workspace's business look-up are its only users.
"""

from django.conf import settings
from django.db import migrations, models

TRIGRAM_INDEXES = [
    ("inquiry_subject_trgm", "inquiries_inquiry", "subject"),
    ("inquiry_contact_name_trgm", "inquiries_inquiry", "contact_name"),
    ("company_name_trgm", "businesses_company", "name"),
    ("contactperson_name_trgm", "businesses_contactperson", "name"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm;")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops);'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name};")


class Migration(migrations.Migration):
    dependencies = [
        ("businesses", "0001_initial"),
        ("catalogue", "0001_initial"),
        ("inquiries", "0002_timeline_append_only"),
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["unit", "due_at", "id"],
                name="matter_open_queue_idx",
            ),
        ),
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
