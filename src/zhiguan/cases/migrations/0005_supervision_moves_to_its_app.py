# The supervision models move to the `supervision` app (decision 036). State only: their tables
# (cases_supervisionnotice, cases_supervisionnotice_cases, cases_caseescalation) and rows stay,
# and `supervision.0001_initial` takes them over under the same names.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_case_external_ref_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="CaseEscalation"),
                migrations.DeleteModel(name="SupervisionNotice"),
            ],
            database_operations=[],
        ),
    ]
