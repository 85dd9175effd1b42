# The supervision models, moved here from `cases` (decision 036). Their tables were created by
# cases.0002 and keep their names (Meta.db_table) and rows: only the model state moves, the
# database schema does not change. Their content types are relabelled to this app, so that what
# points at a content type (admin log entries, permissions) follows them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ("supervisionnotice", "caseescalation")


def relabel_content_types(apps, schema_editor, old="cases", new="supervision"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def restore_content_types(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="supervision", new="cases")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0005_supervision_moves_to_its_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("org", "0001_initial"),
        ("tenancy", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseEscalation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("stage", models.CharField(max_length=12)),
                        ("due_at", models.DateTimeField()),
                        ("escalated_at", models.DateTimeField(db_index=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="escalations",
                                to="cases.case",
                            ),
                        ),
                        (
                            "deadline",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="escalation",
                                to="cases.casedeadline",
                            ),
                        ),
                        (
                            "department",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="org.department",
                            ),
                        ),
                        (
                            "leader",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_caseescalation",
                        "ordering": ["case", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="SupervisionNotice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "level",
                            models.CharField(
                                choices=[
                                    ("general", "General supervision"),
                                    ("key", "Key supervision"),
                                    ("listed", "Listed supervision"),
                                ],
                                max_length=8,
                                verbose_name="level",
                            ),
                        ),
                        ("text", models.TextField(verbose_name="text")),
                        ("issued_by_label", models.CharField(max_length=128)),
                        ("issued_at", models.DateTimeField(db_index=True)),
                        ("due_at", models.DateTimeField(verbose_name="answer due")),
                        ("due_explanation", models.TextField(blank=True)),
                        ("answer", models.TextField(blank=True)),
                        ("answered_at", models.DateTimeField(blank=True, null=True)),
                        ("answered_late", models.BooleanField(default=False)),
                        ("overdue_flagged_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "answered_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        ("cases", models.ManyToManyField(related_name="supervision_notices", to="cases.case")),
                        (
                            "department",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="org.department"
                            ),
                        ),
                        (
                            "issued_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "jurisdiction",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="tenancy.jurisdiction",
                                verbose_name="jurisdiction",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_supervisionnotice",
                        "verbose_name": "supervision notice",
                        "verbose_name_plural": "supervision notices",
                        "ordering": ["-issued_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["jurisdiction", "department", "answered_at"], name="supervision_dept_idx"
                            ),
                            models.Index(fields=["answered_at", "due_at"], name="supervision_due_idx"),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
