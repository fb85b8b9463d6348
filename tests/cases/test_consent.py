"""Consent as a record: who consented (each guardian with parental responsibility, the child by
the municipality's age), which information, oral or written with the signed form, expiry."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf.actions import JavaScript

from bts.models import AuditEvent, Role, StoredFile
from bts.uploads import MAX_UPLOAD_BYTES, CheckedUpload, check_upload
from cases import services
from cases.access import visible_cases
from cases.models import Consent, Guardian
from tests.factories import signed_form_pdf

pytestmark = pytest.mark.django_db

PDF = signed_form_pdf()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, format="PNG")
    return out.getvalue()


def born_years_ago(years: int, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=days)


@pytest.fixture
def record(employee, school):
    def record(case, **fields):
        data = {
            "services": [school],
            "guardians": list(case.child.guardians.filter(has_parental_responsibility=True)),
            "information": ["wellbeing"],
            "form": "written",
            "purpose": "Samarbeid med skolen",
            "given_on": timezone.localdate(),
        }
        return services.consent_record(case=case, user=employee, **(data | fields))

    return record


def pdf_with(change) -> bytes:
    """A real one-page PDF changed by `change` (a PdfWriter's method: a script, an attachment)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def field_error(exc: pytest.ExceptionInfo, field: str) -> str:
    return " ".join(exc.value.message_dict[field])


class TestWhoConsents:
    def test_every_guardian_with_parental_responsibility(self, make_case, record):
        case = make_case()
        Guardian.objects.create(child=case.child, name="Per Hansen", relation="far")
        Guardian.objects.create(
            child=case.child, name="Ola Steforelder", has_parental_responsibility=False
        )
        mother = case.child.guardians.get(name="Lise Hansen")

        with pytest.raises(ValidationError) as missing:
            record(case, guardians=[mother])
        assert "Mangler: Per Hansen" in field_error(missing, "guardians")

        consent = record(case)
        assert consent.given_by == "Lise Hansen (mor), Per Hansen (far)"
        assert set(consent.guardians.values_list("name", flat=True)) == {
            "Lise Hansen",
            "Per Hansen",
        }

    def test_a_guardian_without_parental_responsibility_cannot_consent(self, make_case, record):
        case = make_case()
        step = Guardian.objects.create(
            child=case.child, name="Ola Steforelder", has_parental_responsibility=False
        )
        with pytest.raises(ValidationError) as exc:
            record(case, guardians=[*case.child.guardians.filter(pk=step.pk)])
        assert "foreldreansvar" in field_error(exc, "guardians")

    def test_someone_must_have_consented(self, make_case, record):
        case = make_case(birth_date=None)
        case.child.guardians.all().delete()
        with pytest.raises(ValidationError) as exc:
            record(case, guardians=[])
        assert "Velg hvem som samtykker." in field_error(exc, "guardians")
        # An unborn child's mother who is not registered as guardian yet.
        assert record(case, guardians=[], others="Kari Nordmann (mor)").given_by == (
            "Kari Nordmann (mor)"
        )

    @pytest.mark.parametrize(
        ("age", "information", "child_must"),
        [
            (14, ["wellbeing"], False),
            (15, ["wellbeing"], True),
            (15, ["wellbeing", "health"], False),  # health information: from 16
            (16, ["health"], True),
        ],
    )
    def test_the_child_consents_from_the_municipalitys_age(
        self, make_case, record, age, information, child_must
    ):
        case = make_case(birth_date=born_years_ago(age))
        if child_must:
            with pytest.raises(ValidationError) as exc:
                record(case, information=information)
            assert f"er {age} år. Fra" in field_error(exc, "child_consented")
        consent = record(case, information=information, child_consented=True)
        assert consent.child_consented and "Emma (barnet)" in consent.given_by

    def test_the_ages_are_the_municipalitys_setting(self, make_case, record, guide):
        guide.child_consent_age = 16
        guide.save()
        case = make_case(birth_date=born_years_ago(15))
        assert not record(case).child_consented  # 15 is too young here

    def test_an_adult_consents_alone(self, make_case, record):
        case = make_case(birth_date=born_years_ago(19))
        consent = record(case, guardians=[], child_consented=True)
        assert consent.given_by == "Emma (barnet)"

    def test_one_guardians_refusal_is_recorded_and_covers_nothing(
        self, make_case, record, employee, school
    ):
        case = make_case()
        Guardian.objects.create(child=case.child, name="Per Hansen", relation="far")
        father = case.child.guardians.filter(name="Per Hansen")
        refusal = record(case, guardians=list(father), refused=True, information=[])
        assert not refusal.is_active and refusal.given_by == "Per Hansen (far)"
        with pytest.raises(services.ConsentMissing):
            services.service_involve(case=case, user=employee, service=school)


class TestHowItWasGiven:
    def test_oral_consent_needs_a_note(self, make_case, record):
        case = make_case()
        with pytest.raises(ValidationError) as exc:
            record(case, form="oral")
        assert "Skriv hvem som fikk samtykket" in field_error(exc, "oral_note")
        consent = record(case, form="oral", oral_note="Mor sa ja på telefon til Ingrid 2.12.")
        assert consent.oral_note.startswith("Mor sa ja")

    def test_which_information_may_be_shared(self, make_case, record):
        case = make_case()
        with pytest.raises(ValidationError) as exc:
            record(case, information=[])
        assert "Velg hvilke opplysninger" in field_error(exc, "information")
        consent = record(case, information=["health", "wellbeing"], information_other="Fravær")
        assert consent.information == ["health", "wellbeing"]
        assert consent.get_information_labels() == ["Helse", "Trivsel, utvikling og læring"]

    def test_the_signed_form_is_kept_with_the_consent(self, make_case, record):
        case = make_case()
        consent = record(case, document=CheckedUpload(PDF, "application/pdf"))
        stored = StoredFile.objects.get(pk=consent.document_id)
        assert bytes(stored.content) == PDF and stored.size == len(PDF)
        assert stored.content_type == "application/pdf" and len(stored.sha256) == 64

    def test_an_expired_consent_ends_the_services_access(
        self, make_case, record, employee, school, make_user
    ):
        case = make_case()
        principal = make_user(Role.LEADER, service=school)
        consent = record(case, expires_on=timezone.localdate())
        services.service_involve(case=case, user=employee, service=school)
        assert visible_cases(principal).filter(pk=case.pk).exists()

        Consent.objects.filter(pk=consent.pk).update(
            given_on=timezone.localdate() - dt.timedelta(days=30),
            expires_on=timezone.localdate() - dt.timedelta(days=1),
        )

        assert not visible_cases(principal).filter(pk=case.pk).exists()


class TestUploads:
    def upload(self, content: bytes, name: str = "skjema.pdf"):
        return SimpleUploadedFile(name, content)

    def test_a_pdf_and_an_image_pass(self):
        assert check_upload(self.upload(PDF)).content_type == "application/pdf"
        assert check_upload(self.upload(png(), "skjema.png")).content_type == "image/png"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"", "tom"),
            (b"MZ\x90\x00 not a document", "må være en PDF eller et bilde"),
            (b"<html><script>alert(1)</script></html>", "må være en PDF eller et bilde"),
            (pdf_with(lambda w: w.add_open_action(JavaScript("app.alert(1);"))), "skript"),
            (pdf_with(lambda w: w.add_attachment("x.exe", b"MZ")), "vedlegg"),
            (PDF[:-7], "skadet"),
            # Its first and last bytes say PDF, but it is a picture: it does not open as a PDF.
            (b"%PDF-1.4\n" + png() + b"\n%%EOF\n", "skadet"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "Bildet kan ikke leses"),
        ],
        ids=[
            "empty",
            "exe",
            "html",
            "pdf-js",
            "pdf-attachment",
            "pdf-truncated",
            "png-dressed-as-pdf",
            "bad-png",
        ],
    )
    def test_anything_else_is_refused_by_its_content(self, content, message):
        with pytest.raises(ValidationError, match=message):
            check_upload(self.upload(content))

    def test_more_than_10_mb_is_refused(self):
        with pytest.raises(ValidationError, match="10 MB"):
            check_upload(self.upload(PDF + b"0" * MAX_UPLOAD_BYTES))


class TestThroughThePages:
    def post(self, client, case, school, **fields):
        guardian = case.child.guardians.get()
        data = {
            "idempotency_key": str(uuid.uuid4()),
            "services": [school.pk],
            "information": ["wellbeing"],
            "purpose": "Samarbeid med skolen",
            "guardians": [guardian.pk],
            "form": "written",
            "given_on": timezone.localdate().isoformat(),
        }
        return client.post(reverse("cases:consent_new", args=[case.pk]), data | fields)

    def test_a_large_scan_under_the_limit_is_kept(self, employee_client, make_case, school):
        case = make_case()
        scan = signed_form_pdf(filler=7 * 1024 * 1024)
        assert 7 * 1024 * 1024 < len(scan) < MAX_UPLOAD_BYTES
        response = self.post(
            employee_client, case, school, document=SimpleUploadedFile("skjema.pdf", scan)
        )
        assert response.status_code == 302
        assert bytes(StoredFile.objects.get().content) == scan

    def test_a_file_over_the_limit_is_called_too_big(self, employee_client, make_case, school):
        case = make_case()
        big = SimpleUploadedFile("skjema.pdf", signed_form_pdf(filler=11 * 1024 * 1024))
        response = self.post(employee_client, case, school, document=big)
        assert "Filen er for stor. Største tillatte størrelse er 10 MB." in response.text
        assert "Last opp det signerte skjemaet" not in response.text
        assert not case.consents.exists() and not StoredFile.objects.exists()

    def test_a_request_with_more_files_than_the_form_takes_is_refused_whole(
        self, employee_client, make_case, school
    ):
        """One limit per file is one limit per request only if a request carries one file: a
        hundred 10 MB files would be a gigabyte in memory."""
        case = make_case()
        response = employee_client.post(
            reverse("cases:consent_new", args=[case.pk]),
            {
                "document": [
                    SimpleUploadedFile("a.pdf", signed_form_pdf()),
                    SimpleUploadedFile("b.pdf", signed_form_pdf()),
                ],
                "purpose": "Samarbeid med skolen",
            },
        )
        assert response.status_code == 400
        assert not case.consents.exists() and not StoredFile.objects.exists()

    def test_written_consent_needs_the_signed_form(self, employee_client, make_case, school):
        case = make_case()
        response = self.post(employee_client, case, school)
        assert response.status_code == 200
        assert "Last opp det signerte skjemaet." in response.text
        assert not case.consents.exists()

    def test_a_bad_file_is_refused_next_to_the_field(self, employee_client, make_case, school):
        case = make_case()
        fake = SimpleUploadedFile("skjema.pdf", b"<html>not a pdf</html>")
        response = self.post(employee_client, case, school, document=fake)
        assert "må være en PDF eller et bilde" in response.text
        assert not case.consents.exists() and not StoredFile.objects.exists()

    def test_the_signed_form_downloads_for_those_who_see_the_case(
        self, client, employee, employee_client, make_case, school, make_user
    ):
        case = make_case()
        form = SimpleUploadedFile("Emma Hansen samtykke.pdf", PDF)
        assert self.post(employee_client, case, school, document=form).status_code == 302
        consent = case.consents.get()
        url = reverse("cases:consent_document", args=[case.pk, consent.pk])
        page = employee_client.get(reverse("cases:detail", args=[case.pk])).text
        assert url in page

        response = employee_client.get(url)

        assert response.status_code == 200 and response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment;") and f"samtykke-sak-{case.pk}-" in disposition
        assert "Emma" not in disposition, "the uploader's file name is not used"
        assert "sandbox" in response["Content-Security-Policy"]
        assert AuditEvent.objects.filter(
            kind="document_exported", case_id=case.pk, detail=f"consent_form:{consent.pk}"
        ).exists()

        client.force_login(make_user(Role.EMPLOYEE))  # a colleague, not in the case
        assert client.get(url).status_code == 404

    def test_the_child_is_asked_from_the_age_to_be_heard(self, employee_client, make_case):
        young = make_case(birth_date=born_years_ago(5))
        older = make_case(first_name="Jonas", birth_date=born_years_ago(15))
        url = "cases:consent_new"
        assert (
            "Barnet selv samtykker" not in employee_client.get(reverse(url, args=[young.pk])).text
        )
        page = employee_client.get(reverse(url, args=[older.pk])).text
        assert "Barnet selv samtykker" in page
        assert "Jonas er 15 år. Fra 15 år samtykker barnet selv" in page


def launching_link(*, chained: bool = False):
    """A page with a link whose action starts a program: on the link itself, or as the next
    action of a harmless one."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    def edit(writer):
        launch = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Action"),
                NameObject("/S"): NameObject("/Launch"),
                NameObject("/F"): TextStringObject("calc.exe"),
            }
        )
        action = launch
        if chained:
            action = DictionaryObject(
                {
                    NameObject("/S"): NameObject("/URI"),
                    NameObject("/URI"): TextStringObject("https://kommune.example/"),
                    NameObject("/Next"): writer._add_object(launch),
                }
            )
        link = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([]),
                NameObject("/A"): writer._add_object(action),
            }
        )
        writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])

    return edit


def pdf_with_compressed_annotation(annotation: bytes) -> bytes:
    """A one-page PDF 1.5 whose link annotation lives in a compressed object stream (as many
    PDF producers write objects), so its names are not in the file's bytes. pypdf writes no
    object streams, so it is made here by hand: objects, the object stream, a cross-reference
    stream."""
    import struct
    import zlib

    stream_body = b"4 0 " + annotation
    packed = zlib.compress(stream_body)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        5: b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(packed)
        + packed
        + b"\nendstream",
    }
    out, offsets = bytearray(b"%PDF-1.5\n"), {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    offsets[6] = len(out)
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for number in range(1, 7):
        if number == 4:  # in object stream 5, at index 0
            rows.append(struct.pack(">BIH", 2, 5, 0))
        else:
            rows.append(struct.pack(">BIH", 1, offsets[number], 0))
    xref = b"".join(rows)
    out += (
        b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(xref)
        + xref
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[6]
    return bytes(out)


@pytest.mark.parametrize("kwargs", [{}, {"chained": True}], ids=["link", "chained"])
def test_a_pdf_whose_link_launches_a_program_is_refused(kwargs):
    with pytest.raises(ValidationError, match="skript"):
        check_upload(SimpleUploadedFile("skjema.pdf", pdf_with(launching_link(**kwargs))))


def test_a_launch_hidden_in_a_compressed_object_stream_is_refused():
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S /Launch /F (calc.exe) >> >>"
    content = pdf_with_compressed_annotation(link)
    assert b"/Launch" not in content
    with pytest.raises(ValidationError, match="skript"):
        check_upload(SimpleUploadedFile("skjema.pdf", content))
    # The same document with a harmless link opens and passes: the refusal is the action's.
    harmless = b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /A << /S /URI /URI (x) >> >>"
    assert check_upload(
        SimpleUploadedFile("skjema.pdf", pdf_with_compressed_annotation(harmless))
    ).content_type == ("application/pdf")


def test_a_scan_whose_image_data_happens_to_spell_a_script_name_passes():
    """A scan's compressed image data is random bytes, where '/JS' followed by a space turns up
    by chance; only the parsed document's names count."""
    import random

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    noise = random.Random(18).randbytes(200_000)
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    image = DecodedStreamObject()
    image.set_data(noise[:1000] + b"/JS /JavaScript /Launch /EmbeddedFile " + noise[1000:])
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
        }
    )
    writer.pages[0][NameObject("/Resources")] = writer._add_object(
        pdf_dictionary({"/XObject": pdf_dictionary({"/Im0": writer._add_object(image)})})
    )
    out = io.BytesIO()
    writer.write(out)
    assert b"/JS /JavaScript" in out.getvalue()
    assert check_upload(SimpleUploadedFile("skjema.pdf", out.getvalue())).content_type == (
        "application/pdf"
    )


def test_a_pdf_that_opens_at_its_first_page_passes():
    """An open action that only shows a page (as scanners write it) runs nothing."""
    from pypdf.generic import ArrayObject, NameObject

    def open_at_first_page(writer):
        writer._root_object[NameObject("/OpenAction")] = ArrayObject(
            [writer.pages[0].indirect_reference, NameObject("/Fit")]
        )

    content = pdf_with(open_at_first_page)
    assert b"/OpenAction" in content
    assert check_upload(SimpleUploadedFile("skjema.pdf", content)).content_type == (
        "application/pdf"
    )


def pdf_dictionary(entries: dict):
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject(k): v for k, v in entries.items()})


def png_claiming(width: int, height: int) -> bytes:
    """A small PNG whose header claims a huge picture (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((200, 200), 60).convert("RGB").save(out, format="JPEG")
    return out.getvalue()


def test_a_decompression_bomb_is_refused_with_a_message():
    with pytest.raises(ValidationError, match="Bildet kan ikke leses"):
        check_upload(SimpleUploadedFile("skjema.png", png_claiming(40_000, 40_000)))


def test_a_whole_jpeg_passes():
    assert check_upload(SimpleUploadedFile("skjema.jpg", jpeg())).content_type == "image/jpeg"
