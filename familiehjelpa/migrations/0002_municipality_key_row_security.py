"""Every table of case data carries its municipality, filled from its parent by the database,
and row-level security on it (bts.isolation, decision 0064)."""

from django.db import migrations

from bts.isolation import migration_operations

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


class Migration(migrations.Migration):
    dependencies = [("bts", "0015_row_security_functions"), ("familiehjelpa", "0001_initial")]

    operations = migration_operations(KEYS, LINKS)
