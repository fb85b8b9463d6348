"""The monthly figures per municipality: the old installation-wide rows are dropped and every
month is marked to be counted again (per municipality) at the next read."""

import django.db.models.deletion
from django.db import migrations, models


def mark_every_month(apps, schema_editor):
    from dashboards.figures import months_to_mark

    StaleMonth = apps.get_model("dashboards", "StaleMonth")
    months = months_to_mark(
        apps.get_model("cases", "Case"),
        apps.get_model("cases", "Decision"),
        apps.get_model("familiehjelpa", "Inquiry"),
    )
    StaleMonth.objects.bulk_create(StaleMonth(month=m) for m in months)


class Migration(migrations.Migration):
    dependencies = [
        ("bts", "0014_membership_municipality"),
        ("cases", "0016_home_municipality"),
        ("dashboards", "0002_figure_triggers"),
    ]

    operations = [
        migrations.RunSQL("DELETE FROM dashboards_monthlyfigure", migrations.RunSQL.noop),
        migrations.RemoveConstraint(model_name="monthlyfigure", name="monthly_figure_unique"),
        migrations.AddField(
            model_name="monthlyfigure",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bts.municipality",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="monthlyfigure",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="bts.municipality",
            ),
        ),
        migrations.AddConstraint(
            model_name="monthlyfigure",
            constraint=models.UniqueConstraint(
                fields=("municipality", "month", "series", "kind", "days"),
                name="monthly_figure_unique",
            ),
        ),
        migrations.RunPython(mark_every_month, migrations.RunPython.noop),
    ]
