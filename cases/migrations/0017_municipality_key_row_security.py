"""Every table of case data carries its municipality, filled from its parent by the database,
and row-level security on it (bts.isolation, decision 0064)."""

from django.db import migrations

from bts.isolation import migration_operations

KEYS = [
    ("guardian", "cases_guardian", "cases_child", "child_id"),
    ("concern", "cases_concern", "cases_case", "case_id"),
    ("anonymousdiscussion", "cases_anonymousdiscussion", "bts_service", "service_id"),
    ("relayentry", "cases_relayentry", "cases_case", "case_id"),
    ("stepcheck", "cases_stepcheck", "cases_case", "case_id"),
    ("consent", "cases_consent", "cases_case", "case_id"),
    ("involvement", "cases_involvement", "cases_case", "case_id"),
    ("decision", "cases_decision", "cases_case", "case_id"),
    ("decisionproposal", "cases_decisionproposal", "cases_case", "case_id"),
    ("childprotectionreport", "cases_childprotectionreport", "cases_case", "case_id"),
    ("measure", "cases_measure", "cases_case", "case_id"),
    ("evaluation", "cases_evaluation", "cases_measure", "measure_id"),
    ("meeting", "cases_meeting", "cases_case", "case_id"),
    ("minutes", "cases_minutes", "cases_meeting", "meeting_id"),
    ("handover", "cases_handover", "cases_case", "case_id"),
    ("coordination", "cases_coordination", "cases_case", "case_id"),
    ("watch", "cases_watch", "cases_case", "case_id"),
    ("widecollaboration", "cases_widecollaboration", "cases_case", "case_id"),
    ("caseusergrant", "cases_caseusergrant", "cases_case", "content_object_id"),
    ("casegroupgrant", "cases_casegroupgrant", "cases_case", "content_object_id"),
]
# The many-to-many tables Django makes: the key in SQL only (Django writes the two ids).
LINKS = [
    ("cases_child_siblings", "cases_child", "from_child_id"),
    ("cases_consent_services", "cases_consent", "consent_id"),
    ("cases_consent_guardians", "cases_consent", "consent_id"),
    ("cases_meeting_participants", "cases_meeting", "meeting_id"),
    ("cases_meeting_participant_services", "cases_meeting", "meeting_id"),
]


class Migration(migrations.Migration):
    dependencies = [("bts", "0015_row_security_functions"), ("cases", "0016_home_municipality")]

    # The case and the child have their key already (0016).
    operations = migration_operations(KEYS, LINKS, ["cases_child", "cases_case"])
