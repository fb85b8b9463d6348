"""What familiehjelpa adds to the case workflow, registered in `FamiliehjelpaConfig.ready()`.

- The family contact takes part in the cases of the families they follow: a fact `cases.grants`
  keeps grants from, so `visible_cases` includes them while their service is in the case.
- A service's case at nivå 2–3 offers "Henvis til familiehjelpa" on the case page.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bts.models import Service, User
from cases import access as case_access
from cases.extensions import CaseAction
from cases.models import Case

from .models import Inquiry, InquiryCase
from .services import referral_levels


def cases_of_family_contact(user: User) -> Q:
    """Cases linked to an inquiry this user is the family contact for."""
    return Q(Exists(InquiryCase.objects.filter(case=OuterRef("pk"), inquiry__family_contact=user)))


def family_contacts_of(case: Case) -> Iterable[int]:
    return (
        Inquiry.objects.filter(links__case=case, family_contact__isnull=False)
        .values_list("family_contact_id", flat=True)
        .distinct()
    )


def referral_action(user: User, case: Case) -> list[CaseAction]:
    """The referral, for those who work on an open case at nivå 2–3 that familiehjelpa is not
    in yet. Reads only what the case page has loaded (its owner and involvements)."""
    if not (
        case.is_open
        and case.level in referral_levels()
        and case_access.may(user, case_access.Action.WORK_ON, case)
    ):
        return []
    if case.owner_service.kind == Service.Kind.FAMILIEHJELPA:
        return []
    if any(i.service.kind == Service.Kind.FAMILIEHJELPA for i in case.page_involvements):
        return []
    return [
        CaseAction(_("Henvis til familiehjelpa"), reverse("familiehjelpa:refer", args=[case.pk]))
    ]


def archive_documents(case: Case) -> list:
    """For the case's archive package: every DUKEN version and the reply letter, of every
    inquiry linked to the case."""
    from cases.archive import ArchiveDocument
    from levels.selectors import active_guide

    from . import documents

    guide = active_guide(case.municipality_id)
    municipality = guide.municipality.name if guide else ""
    docs = []
    inquiries = Inquiry.objects.filter(links__case=case).select_related("service").distinct()
    for inquiry in inquiries.order_by("pk"):
        for version in inquiry.duken_versions.select_related("saved_by").order_by("number"):
            docs.append(
                ArchiveDocument(
                    f"duken:{inquiry.pk}:{version.number}",
                    _("DUKEN, henvendelse %(n)s, versjon %(v)s")
                    % {"n": inquiry.pk, "v": version.number},
                    version.saved_at,
                    f"duken-henvendelse-{inquiry.pk}-v{version.number}.pdf",
                    documents.duken_pdf(inquiry, version, municipality=municipality),
                )
            )
        if inquiry.reply_sent_at:
            context = documents.letter_context(
                inquiry, cases=inquiry.links.all(), municipality=municipality
            )
            docs.append(
                ArchiveDocument(
                    f"reply:{inquiry.pk}",
                    _("Svar på henvendelse %(n)s til familiehjelpa") % {"n": inquiry.pk},
                    inquiry.reply_sent_at,
                    f"svarbrev-henvendelse-{inquiry.pk}.pdf",
                    documents.reply_letter_pdf(inquiry, context=context),
                )
            )
    return docs


def anonymise_for_case(case: Case) -> None:
    """When a case's retention period ends: the inquiries that only concern anonymised cases
    lose everything personal; what familiehjelpa's numbers count (when, from where, by which
    channel, how long to first contact, the states) stays."""
    from .models import ChildTeamItem, Conversation, DukenVersion, InquiryEvent, Mapping

    still_needed = InquiryCase.objects.filter(
        inquiry=OuterRef("pk"), case__anonymised_at__isnull=True
    ).exclude(case=case)
    inquiries = Inquiry.objects.filter(links__case=case).exclude(Exists(still_needed))
    ids = list(inquiries.values_list("pk", flat=True))
    if not ids:
        return
    Inquiry.objects.filter(pk__in=ids).update(
        caller_name="",
        caller_role="",
        caller_phone="",
        caller_email="",
        about="",
        close_reason="",
    )
    Mapping.objects.filter(inquiry__in=ids).update(
        family_situation="",
        help_wanted="",
        services_involved="",
        child_voice="",
        assessment="",
        more_information="",
    )
    Conversation.objects.filter(inquiry__in=ids).update(
        place="", family_attendees="", trusted_person="", note=""
    )
    DukenVersion.objects.filter(inquiry__in=ids).delete()
    InquiryEvent.objects.filter(inquiry__in=ids).update(text="")
    ChildTeamItem.objects.filter(inquiry__in=ids).update(
        question="", decision_reason="", child_view=""
    )
