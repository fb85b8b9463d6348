"""The catalogue import: upload, preview of what changes, confirm; nothing half-imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bts.models import Role
from bts.uploads import MAX_UPLOAD_BYTES as HELD_AT_MOST
from toolbox import services
from toolbox.examples import example_workbook
from toolbox.models import CatalogueEntry, CatalogueImport
from toolbox.selectors import catalogue_plan
from toolbox.spreadsheet import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db

FIRST = [
    ("T-1", "Helsestasjon", "For alle barn.", 0, 0, 5, "Helsestasjonen", "", "nei"),
    ("T-2", "PP-tjenesten", "Henvisning med samtykke.", 2, None, None, "PPT", "", "ja"),
    ("T-3", "Barneteam", "Grensesaker.", 2, None, None, "Familiehjelpa", "", None),
]
SECOND = [
    # T-1 changed: name, age to, contact; T-2 unchanged; T-3 gone; T-4 new.
    (
        "T-1",
        "Helsestasjon for barn",
        "For alle barn.",
        0,
        0,
        6,
        "Helsestasjonen",
        "Ring oss",
        "nei",
    ),
    ("T-2", "PP-tjenesten", "Henvisning med samtykke.", 2, None, None, "PPT", "", "ja"),
    ("T-4", "Ressursteam 15–24", "For ungdom.", 2, 15, 24, "Ressursteamet", "", None),
]


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user(Role.SYSTEM_ADMIN, first_name="Per"))
    return client


def upload(client, data: bytes, name: str = "tiltak.xlsx"):
    return client.post(
        reverse("toolbox:catalogue_import"),
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream")},
    )


def preview_of(client, data: bytes):
    response = upload(client, data)
    assert response.status_code == 302, response.text[:2000]
    pending = CatalogueImport.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    page = client.get(response["Location"])
    assert page.status_code == 200
    return pending, page


def confirm(client, pending, digest=None):
    digest = digest or catalogue_plan(pending.rows, pending.municipality_id).digest
    return client.post(reverse("toolbox:catalogue_apply", args=[pending.pk]), {"digest": digest})


def entries():
    return {
        e.key: (e.name, e.level, e.age_from, e.age_to, e.contact, e.is_active)
        for e in CatalogueEntry.objects.all()
    }


def test_a_good_file_is_previewed_then_imported(admin_client):
    pending, page = preview_of(admin_client, example_workbook(FIRST))

    assert CatalogueEntry.objects.count() == 0, "nothing changes before the confirmation"
    html = page.text
    assert "Nye tiltak" in html
    for key, name, *_ in FIRST:
        assert f"<strong>{name}</strong> ({key})" in html
    assert "Importer endringene" in html

    response = confirm(admin_client, pending)

    assert response.status_code == 302 and response["Location"] == reverse("toolbox:catalogue")
    assert entries() == {
        "T-1": ("Helsestasjon", 0, 0, 5, "", True),
        "T-2": ("PP-tjenesten", 2, None, None, "", True),
        "T-3": ("Barneteam", 2, None, None, "", True),
    }
    assert CatalogueEntry.objects.get(key="T-2").referral_required is True
    assert CatalogueEntry.objects.get(key="T-3").referral_required is None
    pending.refresh_from_db()
    assert pending.status == CatalogueImport.Status.APPLIED
    assert (pending.created_count, pending.changed_count, pending.deactivated_count) == (3, 0, 0)
    assert "3 nye, 0 endret, 0 fjernet" in admin_client.get(response["Location"]).text


def test_a_file_with_bad_rows_reports_every_error_and_imports_nothing(admin_client):
    services_before = CatalogueImport.objects.count()
    bad = [
        *FIRST,
        ("T-5", "Klubb", "", 0, "ti", 12, "", "", ""),
        ("T-6", "", "", 9, None, None, "", "", ""),
    ]

    response = upload(admin_client, example_workbook(bad))

    assert response.status_code == 200
    html = response.text
    assert "Regnearket ble ikke importert: 3 feil i arket «Tiltak»" in html
    assert "Rad 5, kolonne «Alder fra»: må være et heltall mellom 0 og 24, fant «ti»" in html
    assert "Rad 6, kolonne «Navn»: må fylles ut" in html
    assert "Rad 6, kolonne «Nivå»: må være 0, 1, 2 eller 3" in html
    assert CatalogueEntry.objects.count() == 0, "the good rows are not imported either"
    assert CatalogueImport.objects.count() == services_before


def test_a_reimport_shows_and_applies_exactly_the_changes(admin_client):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    unchanged_at = CatalogueEntry.objects.get(key="T-2").changed_at

    pending, page = preview_of(admin_client, example_workbook(SECOND))
    html = page.text

    # Changed: old → new per field, and only the fields that changed.
    changed = html.split('id="endret"')[1].split("</section>")[0]
    assert "Helsestasjon for barn (T-1)" in changed
    assert '<th scope="row">Navn</th><td>Helsestasjon</td><td>Helsestasjon for barn</td>' in changed
    assert '<th scope="row">Alder til</th><td>5</td><td>6</td>' in changed
    assert '<th scope="row">Kontakt</th><td>(tom)</td><td>Ring oss</td>' in changed
    assert "Beskrivelse" not in changed and "PP-tjenesten" not in changed
    assert "<strong>Ressursteam 15–24</strong> (T-4)" in html.split('id="nye"')[1]
    assert "<strong>Barneteam</strong> (T-3)" in html.split('id="fjernes"')[1]
    assert "1 tiltak er uendret" in html
    assert entries()["T-1"][0] == "Helsestasjon", "the preview changes nothing"

    confirm(admin_client, pending)

    assert entries() == {
        "T-1": ("Helsestasjon for barn", 0, 0, 6, "Ring oss", True),
        "T-2": ("PP-tjenesten", 2, None, None, "", True),
        "T-3": ("Barneteam", 2, None, None, "", False),  # deactivated, not deleted
        "T-4": ("Ressursteam 15–24", 2, 15, 24, "", True),
    }
    assert CatalogueEntry.objects.get(key="T-2").changed_at == unchanged_at
    pending.refresh_from_db()
    assert (pending.created_count, pending.changed_count, pending.deactivated_count) == (1, 1, 1)
    catalogue = admin_client.get(reverse("toolbox:catalogue")).text
    assert "Barneteam" not in catalogue and "Ressursteam 15–24" in catalogue


def test_a_removed_row_that_comes_back_is_reactivated(admin_client):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    confirm(admin_client, preview_of(admin_client, example_workbook(SECOND))[0])

    pending, page = preview_of(admin_client, example_workbook([*SECOND, FIRST[2]]))
    assert '<th scope="row">Aktiv</th><td>Nei</td><td>Ja</td>' in page.text
    confirm(admin_client, pending)

    assert entries()["T-3"][-1] is True


def test_a_stale_preview_is_not_applied_but_shown_again(admin_client):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    pending, _ = preview_of(admin_client, example_workbook(SECOND))
    seen = catalogue_plan(pending.rows, pending.municipality_id).digest
    # Meanwhile someone edits an entry the preview showed as changed.
    CatalogueEntry.objects.filter(key="T-1").update(name="Endret i administrasjonen")
    before = entries()

    response = confirm(admin_client, pending, digest=seen)

    assert response.status_code == 409
    assert "Tiltaksoversikten er endret siden du så forhåndsvisningen" in response.text
    assert "<td>Endret i administrasjonen</td><td>Helsestasjon for barn</td>" in response.text
    assert entries() == before
    assert CatalogueImport.objects.get(pk=pending.pk).status == CatalogueImport.Status.PENDING

    assert confirm(admin_client, pending).status_code == 302  # with the new preview's digest
    assert entries()["T-1"][0] == "Helsestasjon for barn"


def test_two_previews_of_the_same_catalogue_cannot_both_apply(admin_client):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    one, _ = preview_of(admin_client, example_workbook(SECOND))
    other, _ = preview_of(admin_client, example_workbook([*SECOND, FIRST[2]]))
    other_digest = catalogue_plan(other.rows, other.municipality_id).digest

    confirm(admin_client, one)
    response = confirm(admin_client, other, digest=other_digest)

    assert response.status_code == 409
    assert entries()["T-3"][-1] is False, "the second import did not undo the first"


def test_a_double_submit_applies_once(admin_client):
    pending, _ = preview_of(admin_client, example_workbook(FIRST))
    digest = catalogue_plan(pending.rows, pending.municipality_id).digest

    assert confirm(admin_client, pending, digest=digest).status_code == 302
    applied_at = CatalogueImport.objects.get(pk=pending.pk).applied_at
    CatalogueEntry.objects.filter(key="T-1").update(name="Rettet etterpå")
    second = confirm(admin_client, pending, digest=digest)

    assert second.status_code == 302
    assert "allerede importert" in admin_client.get(second["Location"]).text
    assert CatalogueEntry.objects.count() == 3
    assert entries()["T-1"][0] == "Rettet etterpå", "the second submit changed nothing"
    assert CatalogueImport.objects.get(pk=pending.pk).applied_at == applied_at


def test_the_same_file_uploaded_twice_gives_one_pending_import(admin_client):
    data = example_workbook(FIRST)
    first = upload(admin_client, data)
    second = upload(admin_client, data)

    assert first["Location"] == second["Location"]
    assert CatalogueImport.objects.count() == 1


def test_an_applied_preview_is_not_shown_again(admin_client):
    pending, _ = preview_of(admin_client, example_workbook(FIRST))
    confirm(admin_client, pending)

    response = admin_client.get(reverse("toolbox:catalogue_preview", args=[pending.pk]))
    assert response.status_code == 302


def test_a_file_with_no_changes_offers_nothing_to_confirm(admin_client):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    _, page = preview_of(admin_client, example_workbook(FIRST))
    assert "Regnearket gir ingen endringer" in page.text
    assert "Importer endringene" not in page.text


def test_a_database_error_midway_leaves_the_catalogue_as_it_was(admin_client, monkeypatch):
    confirm(admin_client, preview_of(admin_client, example_workbook(FIRST))[0])
    pending, _ = preview_of(admin_client, example_workbook(SECOND))
    before = entries()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CatalogueEntry.objects, "bulk_update", explode)
    with pytest.raises(RuntimeError):
        services.catalogue_import_apply(
            catalogue_import=pending,
            digest=catalogue_plan(pending.rows, pending.municipality_id).digest,
            user=pending.uploaded_by,
        )

    assert entries() == before, "the new row T-4 was rolled back with the rest"
    assert CatalogueImport.objects.get(pk=pending.pk).status == CatalogueImport.Status.PENDING


# --- Upload checks ------------------------------------------------------------------------------


def test_too_big_a_file_is_refused_next_to_the_field(admin_client):
    response = upload(admin_client, b"PK\x03\x04" + b"0" * MAX_UPLOAD_BYTES)

    assert response.status_code == 200
    assert "Fila er for stor (5,0 MB). Største tillatte størrelse er 5 MB." in response.text
    assert 'id="id_file_error"' in response.text
    assert CatalogueImport.objects.count() == 0


def test_a_file_that_is_not_a_zip_is_refused(admin_client):
    response = upload(admin_client, b"ID;Navn;Nivaa\nT-1;PPT;2\n")

    assert "Fila må være et Excel-regneark (.xlsx)." in response.text
    assert CatalogueImport.objects.count() == 0


def test_a_macro_workbook_is_refused(admin_client):
    response = upload(admin_client, example_workbook(FIRST), name="tiltak.xlsm")

    assert "Regneark med makroer (.xlsm) tas ikke imot." in response.text
    assert CatalogueImport.objects.count() == 0 and CatalogueEntry.objects.count() == 0


def test_no_file_is_asked_for(admin_client):
    response = admin_client.post(reverse("toolbox:catalogue_import"), {})
    assert "Velg regnearket du vil laste opp." in response.text


def test_the_upload_is_kept_as_parsed_rows_not_as_a_file(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pending, _ = preview_of(admin_client, example_workbook(FIRST))

    assert [row["key"] for row in pending.rows] == ["T-1", "T-2", "T-3"]
    assert len(pending.file_sha256) == 64
    assert list(tmp_path.iterdir()) == []


def test_a_preview_escapes_what_the_spreadsheet_says(admin_client):
    rows = [("T-1", "<script>alert(1)</script>", "<b>x</b>", 0, None, None, "", "", "")]
    _, page = preview_of(admin_client, example_workbook(rows))
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_file_above_the_memory_limit_is_dropped_and_called_too_big(admin_client, settings):
    # Uploads are held in memory only; a bigger one is read and dropped, never written to disk.
    assert settings.FILE_UPLOAD_HANDLERS == ["bts.uploads.BoundedMemoryUploadHandler"]
    response = upload(admin_client, b"PK\x03\x04" + b"0" * (HELD_AT_MOST + 1))

    assert response.status_code == 200
    assert "Fila er for stor (10,0 MB). Største tillatte størrelse er 5 MB." in response.text
    assert "Velg regnearket" not in response.text
    assert CatalogueImport.objects.count() == 0


def test_applying_takes_the_catalogue_lock_first(admin_client):
    # Imports confirmed at the same moment run one after the other: the second waits for the
    # lock, then sees the first's result, so its fingerprint no longer matches.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pending, _ = preview_of(admin_client, example_workbook(FIRST))
    digest, user = catalogue_plan(pending.rows, pending.municipality_id).digest, pending.uploaded_by
    with CaptureQueriesContext(connection) as queries:
        services.catalogue_import_apply(catalogue_import=pending, digest=digest, user=user)
    sql = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT")]
    assert sql[0] == f"SELECT pg_advisory_xact_lock({services.CATALOGUE_LOCK})"
    assert "FOR UPDATE" in sql[1] and '"toolbox_catalogueimport"' in sql[1]
