from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliehjelpaConfig(AppConfig):
    """Inquiries, triage, DUKEN and family contacts: one door in for families."""

    name = "familiehjelpa"
    verbose_name = _("Familiehjelpa")

    def ready(self) -> None:
        # `cases` never imports familiehjelpa: familiehjelpa tells it what it adds.
        from cases.archive import archive_contributor_register
        from cases.extensions import case_actions_register
        from cases.grants import Participation, participation_register
        from cases.retention import anonymiser_register

        from . import events, integration  # noqa: F401  (events registers audit event kinds)

        participation_register(
            Participation(
                cases_of=integration.cases_of_family_contact,
                users_of=integration.family_contacts_of,
            )
        )
        case_actions_register(integration.referral_action)
        archive_contributor_register(integration.archive_documents)
        anonymiser_register(integration.anonymise_for_case)
