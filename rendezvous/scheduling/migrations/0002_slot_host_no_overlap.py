"""Invariant 2 on PostgreSQL: a teacher's live slots never overlap (SQLite: service check)."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE scheduling_slot ADD CONSTRAINT slot_host_no_overlap
    EXCLUDE USING gist (host_id WITH =, tstzrange(starts_at, ends_at) WITH &&)
    WHERE (status <> 'cancelled');
"""
DROP = "ALTER TABLE scheduling_slot DROP CONSTRAINT IF EXISTS slot_host_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
