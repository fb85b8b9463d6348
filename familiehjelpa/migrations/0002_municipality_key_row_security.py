"""Every table of case data carries its municipality, filled from its parent by the database,
and row-level security on it (bts.isolation, decision 0064)."""

import django.db.models.deletion
from django.db import migrations

import bts.isolation
from bts.isolation import key_sql, link_key_sql, policy_sql

KEYS = [
    ("inquiry", "familiehjelpa_inquiry", "bts_service", "service_id"),
    ("inquirycase", "familiehjelpa_inquirycase", "familiehjelpa_inquiry", "inquiry_id"),
    ("inquiryevent", "familiehjelpa_inquiryevent", "familiehjelpa_inquiry", "inquiry_id"),
    ("mapping", "familiehjelpa_mapping", "familiehjelpa_inquiry", "inquiry_id"),
    ("conversation", "familiehjelpa_conversation", "familiehjelpa_inquiry", "inquiry_id"),
    ("dukenversion", "familiehjelpa_dukenversion", "familiehjelpa_inquiry", "inquiry_id"),
    ("childteamitem", "familiehjelpa_childteamitem", "familiehjelpa_inquiry", "inquiry_id"),
    ("advicecall", "familiehjelpa_advicecall", "bts_service", "service_id"),
]
# The many-to-many tables Django makes: the key in SQL only (Django writes the two ids).
LINKS = [
    (
        "familiehjelpa_conversation_invited_services",
        "familiehjelpa_conversation",
        "conversation_id",
    ),
]
POLICIES = [
    "familiehjelpa_inquiry",
    "familiehjelpa_inquirycase",
    "familiehjelpa_inquiryevent",
    "familiehjelpa_mapping",
    "familiehjelpa_conversation",
    "familiehjelpa_dukenversion",
    "familiehjelpa_childteamitem",
    "familiehjelpa_advicecall",
]


def _operations():
    for model, _table, _parent, _column in KEYS:
        yield migrations.AddField(
            model_name=model,
            name="municipality",
            field=bts.isolation.MunicipalityKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, to="bts.municipality"
            ),
        )
    for _model, table, parent, column in KEYS:
        yield migrations.RunSQL(*key_sql(table, parent, column))
    for model, _table, _parent, _column in KEYS:
        yield migrations.AlterField(
            model_name=model,
            name="municipality",
            field=bts.isolation.MunicipalityKey(
                on_delete=django.db.models.deletion.PROTECT, to="bts.municipality"
            ),
        )
    for table, parent, column in LINKS:
        yield migrations.RunSQL(*link_key_sql(table, parent, column))
    for table in [*POLICIES, *(table for table, _parent, _column in LINKS)]:
        yield migrations.RunSQL(*policy_sql(table))


class Migration(migrations.Migration):
    dependencies = [("bts", "0015_row_security_functions"), ("familiehjelpa", "0001_initial")]

    operations = list(_operations())
