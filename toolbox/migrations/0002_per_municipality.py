"""The toolbox, the tiltaksoversikt and the contact list are each municipality's own: what an
installation had goes to its municipality (the one the toolbox file names, else the one whose
guide is in use, else the first)."""

import django.db.models.deletion
from django.db import migrations, models


def to_the_municipality(apps, schema_editor):
    Municipality = apps.get_model("bts", "Municipality")
    Guide = apps.get_model("levels", "Guide")
    Toolbox = apps.get_model("toolbox", "Toolbox")
    models_ = [apps.get_model("toolbox", name) for name in ("CatalogueEntry", "CatalogueImport")]
    models_.append(apps.get_model("toolbox", "Contact"))
    if not Toolbox.objects.exists() and not any(m.objects.exists() for m in models_):
        return
    toolbox = Toolbox.objects.first()
    municipality = None
    if toolbox is not None:
        municipality = Municipality.objects.filter(name=toolbox.municipality_name).first()
    if municipality is None:
        guide = Guide.objects.filter(is_active=True).order_by("pk").first()
        municipality = guide.municipality if guide else Municipality.objects.order_by("pk").first()
    if municipality is None:
        name = toolbox.municipality_name if toolbox else "Kommunen"
        municipality = Municipality.objects.create(number="0000", name=name)
    for model in [Toolbox, *models_]:
        model.objects.update(municipality=municipality)


def _key(null: bool, one: bool = False):
    field = models.OneToOneField if one else models.ForeignKey
    return field(
        null=null,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="bts.municipality",
        verbose_name="kommune",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bts", "0015_row_security_functions"),
        ("levels", "0007_guide_per_municipality"),
        ("toolbox", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("toolbox", "municipality", "municipality_name"),
        migrations.AlterField(
            "toolbox",
            "municipality_name",
            models.CharField(max_length=120, verbose_name="kommunens navn i filen"),
        ),
        migrations.AlterField("toolbox", "slug", models.SlugField(verbose_name="kortnavn")),
        migrations.AddField("toolbox", "municipality", _key(True, one=True)),
        migrations.AddField("catalogueentry", "municipality", _key(True)),
        migrations.AddField("catalogueimport", "municipality", _key(True)),
        migrations.AddField("contact", "municipality", _key(True)),
        migrations.RunPython(to_the_municipality, migrations.RunPython.noop),
        migrations.AlterField("toolbox", "municipality", _key(False, one=True)),
        migrations.AlterField("catalogueentry", "municipality", _key(False)),
        migrations.AlterField("catalogueimport", "municipality", _key(False)),
        migrations.AlterField("contact", "municipality", _key(False)),
        migrations.AlterField(
            "catalogueentry", "key", models.CharField(max_length=50, verbose_name="ID")
        ),
        migrations.RemoveConstraint("catalogueimport", "catalogueimport_one_pending_per_file"),
        migrations.AddConstraint(
            "catalogueimport",
            models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("municipality", "file_sha256"),
                name="catalogueimport_one_pending_per_file",
            ),
        ),
        migrations.RemoveConstraint("contact", "contact_unique_number"),
        migrations.AddConstraint(
            "contact",
            models.UniqueConstraint(
                fields=("municipality", "category", "name", "phone"), name="contact_unique_number"
            ),
        ),
        migrations.AddConstraint(
            "catalogueentry",
            models.UniqueConstraint(fields=("municipality", "key"), name="catalogueentry_key"),
        ),
    ]
