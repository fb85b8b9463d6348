"""Give everyone who takes part in an existing case its per-case grant (cases.grants)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    Grant = apps.get_model("cases", "CaseUserGrant")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="view_case", defaults={"name": "Can view sak"}
    )
    Meeting = apps.get_model("cases", "Meeting")
    rows = set()
    for case in Case.objects.all().iterator():
        ids = {case.created_by_id, case.responsible_id}
        ids |= set(case.handovers.filter(status="offered").values_list("to_user_id", flat=True))
        ids |= set(case.watches.values_list("user_id", flat=True))
        ids |= set(
            Meeting.participants.through.objects.filter(meeting__case=case).values_list(
                "user_id", flat=True
            )
        )
        ids |= set(case.measures.values_list("responsible_person_id", flat=True))
        wide = getattr(case, "wide_collaboration", None)
        if wide is not None:
            ids |= {wide.coordinator_id, wide.child_coordinator_id}
        rows |= {(case.pk, user_id) for user_id in ids if user_id}
    Grant.objects.bulk_create(
        [Grant(content_object_id=c, user_id=u, permission=permission) for c, u in sorted(rows)],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_grants_and_report_receiver"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
