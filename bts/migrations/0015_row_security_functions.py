"""The SQL functions row-level security on case data reads (bts.isolation)."""

from django.db import migrations

from bts.isolation import FUNCTIONS_REVERSE_SQL, FUNCTIONS_SQL


class Migration(migrations.Migration):
    dependencies = [("bts", "0014_membership_municipality")]

    operations = [migrations.RunSQL(FUNCTIONS_SQL, FUNCTIONS_REVERSE_SQL)]
