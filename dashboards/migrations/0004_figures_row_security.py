"""Row-level security on the monthly figures, by their municipality (bts.isolation)."""

from django.db import migrations

from bts.isolation import policy_sql


class Migration(migrations.Migration):
    dependencies = [
        ("bts", "0015_row_security_functions"),
        ("dashboards", "0003_figures_per_municipality"),
    ]

    operations = [migrations.RunSQL(*policy_sql("dashboards_monthlyfigure"))]
