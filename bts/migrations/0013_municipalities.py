"""Municipalities: every service has a host municipality and may serve others; municipal
leaders and local administrators belong to one. An installation that had one municipality
gets it here, named after its guide (the kommunenummer of a guide this project ships, else
0000 for the administrator to correct)."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import bts.choices

KNOWN = {"Øvre Eiker kommune": "3314", "Vestby kommune": "3216", "Fjordvik kommune": "4699"}


def the_one_municipality(apps, schema_editor):
    Municipality = apps.get_model("bts", "Municipality")
    Service = apps.get_model("bts", "Service")
    Membership = apps.get_model("bts", "Membership")
    municipal = Membership.objects.filter(role="municipal_leader")
    if not Service.objects.exists() and not municipal.exists():
        return
    name = "Kommunen"
    with schema_editor.connection.cursor() as db:
        db.execute("SELECT to_regclass('levels_guide') IS NOT NULL")
        if db.fetchone()[0]:
            db.execute("SELECT municipality FROM levels_guide ORDER BY is_active DESC LIMIT 1")
            row = db.fetchone()
            name = row[0] if row else name
    municipality, _ = Municipality.objects.get_or_create(
        number=KNOWN.get(name, "0000"), defaults={"name": name}
    )
    Service.objects.update(municipality=municipality)
    municipal.update(municipality=municipality)


class Migration(migrations.Migration):
    dependencies = [("bts", "0012_auditevent_kind_owned_by_apps")]

    operations = [
        migrations.CreateModel(
            name="Municipality",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "number",
                    models.CharField(
                        max_length=4,
                        unique=True,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^\\d{4}$", "Kommunenummeret har fire sifre."
                            )
                        ],
                        verbose_name="kommunenummer",
                    ),
                ),
                ("name", models.CharField(max_length=120, verbose_name="navn")),
                ("is_active", models.BooleanField(default=True, verbose_name="aktiv")),
            ],
            options={
                "verbose_name": "kommune",
                "verbose_name_plural": "kommuner",
                "ordering": ["name"],
            },
            bases=(bts.choices.ChoiceLabels, models.Model),
        ),
        migrations.AlterField(
            model_name="service",
            name="name",
            field=models.CharField(max_length=200, verbose_name="navn"),
        ),
        migrations.AddField(
            model_name="service",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="services",
                to="bts.municipality",
                verbose_name="vertskommune",
            ),
        ),
        migrations.AddField(
            model_name="service",
            name="partner_municipalities",
            field=models.ManyToManyField(
                blank=True,
                related_name="shared_services",
                to="bts.municipality",
                verbose_name="tjener også",
            ),
        ),
        migrations.AddField(
            model_name="membership",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="memberships",
                to="bts.municipality",
                verbose_name="kommune",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("employee", "Ansatt"),
                    ("leader", "Leder"),
                    ("family_contact", "Familiekontakt"),
                    ("familiehjelpa_leader", "Teamleder familiehjelpa"),
                    ("child_coordinator", "Barnekoordinator"),
                    ("municipal_leader", "Kommunalsjef"),
                    ("local_admin", "Lokal administrator"),
                    ("system_admin", "Systemadministrator"),
                ],
                max_length=32,
                verbose_name="rolle",
            ),
        ),
        migrations.RunPython(the_one_municipality, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="service",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="services",
                to="bts.municipality",
                verbose_name="vertskommune",
            ),
        ),
        migrations.AddConstraint(
            model_name="service",
            constraint=models.UniqueConstraint(
                fields=("municipality", "name"),
                name="service_unique_name_per_municipality",
                violation_error_message="Kommunen har allerede en tjeneste med dette navnet.",
            ),
        ),
    ]
