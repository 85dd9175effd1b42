"""The duplicate check's candidate read as one index range (docs/decisions/087): the H3 cell and
the registration time of cases. Created by this app, which is the one that reads cases this way;
plain SQL both PostgreSQL and SQLite understand."""

from django.db import migrations

INDEX = "case_dup_h3_created_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("duplicates", "0001_initial"),
        ("cases", "0010_more_channels"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON cases_case (h3_r9, created_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
