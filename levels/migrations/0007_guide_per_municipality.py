"""Each municipality has its own guide in use: the guide names its municipality by a foreign
key instead of by name (a guide whose municipality the installation lacks gains it)."""

import django.db.models.deletion
from django.db import migrations, models

KNOWN = {"Øvre Eiker kommune": "3314", "Vestby kommune": "3216", "Fjordvik kommune": "4699"}


def municipality_by_name(apps, schema_editor):
    Guide = apps.get_model("levels", "Guide")
    Municipality = apps.get_model("bts", "Municipality")
    for guide in Guide.objects.all():
        number = KNOWN.get(guide.municipality_name)
        found = Municipality.objects.filter(name=guide.municipality_name).first()
        if found is None and number:
            found, _ = Municipality.objects.get_or_create(
                number=number, defaults={"name": guide.municipality_name}
            )
        if found is None:
            found = Municipality.objects.order_by("pk").first() or Municipality.objects.create(
                number="0000", name=guide.municipality_name
            )
        guide.municipality = found
        guide.save(update_fields=["municipality"])
    # One guide in use per municipality: of several, the last loaded stays.
    seen = set()
    for guide in Guide.objects.filter(is_active=True).order_by("-loaded_at"):
        if guide.municipality_id in seen:
            guide.is_active = False
            guide.save(update_fields=["is_active"])
        seen.add(guide.municipality_id)


class Migration(migrations.Migration):
    dependencies = [
        ("bts", "0013_municipalities"),
        ("levels", "0006_guide_rules_words_meeting_kinds"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="guide", name="guide_one_active"),
        migrations.RenameField(
            model_name="guide", old_name="municipality", new_name="municipality_name"
        ),
        migrations.AddField(
            model_name="guide",
            name="municipality",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="guides",
                to="bts.municipality",
                verbose_name="kommune",
            ),
        ),
        migrations.RunPython(municipality_by_name, migrations.RunPython.noop),
        migrations.RemoveField(model_name="guide", name="municipality_name"),
        migrations.AlterField(
            model_name="guide",
            name="municipality",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="guides",
                to="bts.municipality",
                verbose_name="kommune",
            ),
        ),
        migrations.AlterField(
            model_name="guide",
            name="slug",
            field=models.SlugField(verbose_name="kortnavn"),
        ),
        migrations.AddConstraint(
            model_name="guide",
            constraint=models.UniqueConstraint(
                fields=("municipality", "slug"), name="guide_unique_slug"
            ),
        ),
        migrations.AddConstraint(
            model_name="guide",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("municipality",),
                name="guide_one_active",
            ),
        ),
    ]
