import pytest
from django.core.management import call_command

from familiehjelpa.models import AdviceCall, Inquiry

pytestmark = pytest.mark.django_db


def test_the_demo_puts_inquiries_on_the_board_in_different_states_once(settings, guide):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert sorted(Inquiry.objects.values_list("channel", "source", "state")) == [
        ("bts", "service", Inquiry.State.NEW),  # Sara's case, referred from the school
        ("phone", "family", Inquiry.State.NEW),  # a mother's own call
        ("phone", "service", Inquiry.State.CONTACT_ASSIGNED),  # the school's call
    ]
    school_call = Inquiry.objects.get(channel="phone", source="service")
    assert school_call.family_contact.username == "familiekontakt"
    assert school_call.links.get().case.consents.get().form == "oral"
    assert school_call.duken_versions.count() == 1 and school_call.conversations.count() == 1
    referred = Inquiry.objects.get(channel="bts")
    assert referred.links.get().case.child.first_name == "Sara"
    assert AdviceCall.objects.count() == 2
