"""The full-text index of articles, one per database (decision 078).

PostgreSQL: a stored generated column `search_vector` = to_tsvector('simple', search_text) and a GIN
index on it: the text is already cut into words by jieba, so the 'simple' configuration
(lower-case, no stemming) is the right one for Chinese; stored, so that ranking reads the vector
instead of parsing every matching article again. Django does not know the column (it never
writes it: PostgreSQL computes it).
SQLite: an FTS5 table whose rowid is the article's id, kept in step by `services._index`.
"""

from django.db import migrations

PG_FORWARD = [
    "ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX knowledge_article_fts ON knowledge_article USING GIN (search_vector)",
]
PG_BACKWARD = ["DROP INDEX IF EXISTS knowledge_article_fts", "ALTER TABLE knowledge_article DROP COLUMN search_vector"]
SQLITE_FORWARD = "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5(search_text, tokenize='unicode61')"
SQLITE_BACKWARD = "DROP TABLE IF EXISTS knowledge_article_fts"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_FORWARD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in PG_BACKWARD:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
