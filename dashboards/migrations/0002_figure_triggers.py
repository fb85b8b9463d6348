"""Triggers that mark a month's figures stale when a write changes what they count.

The month is the local month (settings.TIME_ZONE) of the timestamp, as the dashboard counts
it. Updates fire only when a counted column really changed, so the many saves of a case
(its last activity) cost nothing here."""

from django.conf import settings
from django.db import migrations

TZ = settings.TIME_ZONE.replace("'", "")

FORWARD = """
CREATE FUNCTION dashboards_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$ SELECT date_trunc('month', at AT TIME ZONE '@TZ@')::date $$;

CREATE FUNCTION dashboards_mark(m date) RETURNS void LANGUAGE sql AS $$
    INSERT INTO dashboards_stalemonth (month) SELECT m WHERE m IS NOT NULL $$;

CREATE FUNCTION dashboards_case_opened_month(case_id bigint) RETURNS date LANGUAGE sql AS $$
    SELECT dashboards_month(opened_at) FROM cases_case WHERE id = case_id $$;

@CASE@

CREATE FUNCTION dashboards_decision_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM dashboards_mark(dashboards_month(OLD.decided_at));
        PERFORM dashboards_mark(dashboards_case_opened_month(OLD.case_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM dashboards_mark(dashboards_month(NEW.decided_at));
        PERFORM dashboards_mark(dashboards_case_opened_month(NEW.case_id));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION dashboards_measure_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM dashboards_mark(dashboards_case_opened_month(OLD.case_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM dashboards_mark(dashboards_case_opened_month(NEW.case_id));
    END IF;
    RETURN NULL;
END $$;

@INQUIRY@

CREATE FUNCTION dashboards_service_kind_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboards_stalemonth (month) SELECT DISTINCT month FROM dashboards_monthlyfigure;
    RETURN NULL;
END $$;

CREATE TRIGGER dashboards_case_written AFTER INSERT OR DELETE ON cases_case
    FOR EACH ROW EXECUTE FUNCTION dashboards_case_changed();
CREATE TRIGGER dashboards_case_moved AFTER UPDATE ON cases_case FOR EACH ROW
    WHEN (OLD.opened_at IS DISTINCT FROM NEW.opened_at
          OR OLD.owner_service_id IS DISTINCT FROM NEW.owner_service_id)
    EXECUTE FUNCTION dashboards_case_changed();

CREATE TRIGGER dashboards_decision_written AFTER INSERT OR DELETE ON cases_decision
    FOR EACH ROW EXECUTE FUNCTION dashboards_decision_changed();
CREATE TRIGGER dashboards_decision_moved AFTER UPDATE ON cases_decision FOR EACH ROW
    WHEN (OLD.decided_at IS DISTINCT FROM NEW.decided_at OR OLD.move IS DISTINCT FROM NEW.move
          OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION dashboards_decision_changed();

CREATE TRIGGER dashboards_measure_written AFTER INSERT OR DELETE ON cases_measure
    FOR EACH ROW EXECUTE FUNCTION dashboards_measure_changed();
CREATE TRIGGER dashboards_measure_moved AFTER UPDATE ON cases_measure FOR EACH ROW
    WHEN (OLD.starts_on IS DISTINCT FROM NEW.starts_on OR OLD.case_id IS DISTINCT FROM NEW.case_id)
    EXECUTE FUNCTION dashboards_measure_changed();

CREATE TRIGGER dashboards_inquiry_written AFTER INSERT OR DELETE ON familiehjelpa_inquiry
    FOR EACH ROW EXECUTE FUNCTION dashboards_inquiry_changed();
CREATE TRIGGER dashboards_inquiry_moved AFTER UPDATE ON familiehjelpa_inquiry FOR EACH ROW
    WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at
          OR OLD.referring_service_id IS DISTINCT FROM NEW.referring_service_id)
    EXECUTE FUNCTION dashboards_inquiry_changed();

CREATE TRIGGER dashboards_service_kind AFTER UPDATE ON bts_service FOR EACH ROW
    WHEN (OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION dashboards_service_kind_changed();
"""


def _month_changed(name: str, column: str) -> str:
    """A trigger function marking the month of the row's `column`, before and after."""
    return f"""
CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM dashboards_mark(dashboards_month(OLD.{column})); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM dashboards_mark(dashboards_month(NEW.{column})); END IF;
    RETURN NULL;
END $$;"""


FORWARD = (
    FORWARD.replace("@TZ@", TZ)
    .replace("@CASE@", _month_changed("dashboards_case_changed", "opened_at"))
    .replace("@INQUIRY@", _month_changed("dashboards_inquiry_changed", "received_at"))
)

BACKWARD = """
DROP TRIGGER IF EXISTS dashboards_case_written ON cases_case;
DROP TRIGGER IF EXISTS dashboards_case_moved ON cases_case;
DROP TRIGGER IF EXISTS dashboards_decision_written ON cases_decision;
DROP TRIGGER IF EXISTS dashboards_decision_moved ON cases_decision;
DROP TRIGGER IF EXISTS dashboards_measure_written ON cases_measure;
DROP TRIGGER IF EXISTS dashboards_measure_moved ON cases_measure;
DROP TRIGGER IF EXISTS dashboards_inquiry_written ON familiehjelpa_inquiry;
DROP TRIGGER IF EXISTS dashboards_inquiry_moved ON familiehjelpa_inquiry;
DROP TRIGGER IF EXISTS dashboards_service_kind ON bts_service;
DROP FUNCTION IF EXISTS dashboards_service_kind_changed();
DROP FUNCTION IF EXISTS dashboards_inquiry_changed();
DROP FUNCTION IF EXISTS dashboards_measure_changed();
DROP FUNCTION IF EXISTS dashboards_decision_changed();
DROP FUNCTION IF EXISTS dashboards_case_changed();
DROP FUNCTION IF EXISTS dashboards_case_opened_month(bigint);
DROP FUNCTION IF EXISTS dashboards_mark(date);
DROP FUNCTION IF EXISTS dashboards_month(timestamptz);
"""


def mark_existing_months(apps, schema_editor):
    """Data from before the summary: every month it covers is counted at the first read."""
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
        ("dashboards", "0001_initial"),
        ("cases", "0013_after_dashboards"),
        ("familiehjelpa", "0001_initial"),
        ("bts", "0011_after_dashboards"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunPython(mark_existing_months, migrations.RunPython.noop),
    ]
