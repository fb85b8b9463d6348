"""A child's home municipality, and the municipality a case belongs to: for cases that were
there before, the host municipality of the service that owns the case."""

import django.db.models.deletion
from django.db import migrations, models


def from_owner_service(apps, schema_editor):
    with schema_editor.connection.cursor() as db:
        db.execute(
            "UPDATE cases_case c SET municipality_id = s.municipality_id "
            "FROM bts_service s WHERE s.id = c.owner_service_id"
        )
        db.execute(
            "UPDATE cases_child ch SET municipality_id = c.municipality_id FROM ("
            " SELECT DISTINCT ON (child_id) child_id, municipality_id FROM cases_case"
            " ORDER BY child_id, opened_at DESC) c WHERE c.child_id = ch.id"
        )
        # A child with no case (an inquiry's, say): the installation's first municipality.
        db.execute(
            "UPDATE cases_child SET municipality_id = (SELECT min(id) FROM bts_municipality)"
            " WHERE municipality_id IS NULL"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("bts", "0013_municipalities"),
        ("cases", "0015_decision_proposals_child_not_heard"),
    ]

    operations = [
        migrations.AddField(
            model_name="child",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="bts.municipality",
                verbose_name="hjemkommune",
            ),
        ),
        migrations.AddField(
            model_name="case",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="bts.municipality",
                verbose_name="kommune",
            ),
        ),
        migrations.RunPython(from_owner_service, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="child",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="bts.municipality",
                verbose_name="hjemkommune",
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="bts.municipality",
                verbose_name="kommune",
            ),
        ),
        migrations.RemoveIndex(model_name="case", name="case_status_level"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["municipality", "status", "owner_service", "level"],
                name="case_municipality_status_level",
            ),
        ),
    ]
