"""The main journey under each guide in fixtures/veiledere/: a new concern, the decision at nivå 0,
the meeting the step calls for and its referat, a measure, its evaluation, the decision to
close and the level's closing step — through the guide's own steps, decision steps, closing
steps and meeting kinds, with nothing skipped, and read from the guide alone (no step code
here). Each guide file found is driven, so a new one is covered without a new test."""

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases import services
from cases.models import Case, DecisionProposal, Evaluation, RelayEntry, WideCollaboration
from levels.loader import load_guide
from levels.rules import CLOSED, table
from levels.selectors import active_guide, guide_step
from tests.conftest import GUIDES
from tests.factories import home_municipality
from tests.journey import leader_of

GUIDE_FILES = sorted(GUIDES.glob("*.toml"))
assert len(GUIDE_FILES) >= 3, "the guides of fixtures/veiledere/ were not found"


@pytest.fixture(params=GUIDE_FILES, ids=[p.stem for p in GUIDE_FILES])
def guide(request, db):
    return load_guide(request.param, municipality=home_municipality())


def _meeting(case, user, service, kind):
    return services.meeting_invite(
        case=case,
        user=user,
        kind=kind,
        starts_at=timezone.now() - timedelta(minutes=30),
        place="Møterommet",
        agenda="Hvordan har barnet det?",
        participants=[user],
        participant_services=[service],
        idempotency_key=uuid.uuid4(),
    )


def _fulfil(case, user, step, school, kinds_used):
    """Do what the step requires, as the holder would; the actions move the case on by
    themselves, a checklist-only step is marked done."""
    needs = set(step.requires)
    service = case.owner_service
    if "checklist" in needs:
        items = set(step.checklist_items)
        services.checklist_save(case=case, user=user, step_code=step.code, checked=items)
    if "consent" in needs:
        _consent_and_school(case, user, school)
    if "offers" in needs:
        services.wide_collaboration_save(
            case=case,
            user=user,
            familiehjelpa=WideCollaboration.Answer.ACCEPTED,
            coordinator=None,
            child_coordinator=None,
            individual_plan=WideCollaboration.Answer.DECLINED,
        )
    if "measure" in needs or "evaluation" in needs:
        measure = services.measure_add(
            case=case,
            user=user,
            description="Fast voksen tar imot barnet hver morgen.",
            goal="Trygg start på dagen.",
            location="Der barnet er",
            responsible_service=service,
            starts_on=timezone.localdate() - timedelta(days=30),
            evaluation_due=timezone.localdate(),
        )
        if "evaluation" in needs:
            services.evaluation_add(
                measure=measure,
                user=user,
                effect="Barnet gråter sjeldnere.",
                child_experience="",
                child_not_heard="age",
                guardians_view="Mor ser bedring.",
                outcome=Evaluation.Outcome.CONTINUE,
                evaluated_on=timezone.localdate(),
                next_evaluation_due=timezone.localdate() + timedelta(days=30),
            )
    if "meeting" in needs or "minutes" in needs:
        kind = step.meeting_kind or active_guide().meeting_kinds.all()[0].code
        meeting = _meeting(case, user, service, kind)
        kinds_used.add(kind)
        if "minutes" in needs:
            services.minutes_save(
                meeting=meeting, user=user, data={"present": "Mor og barnet"}, version=0
            )
    case.refresh_from_db()
    if case.step_code == step.code and case.is_open:
        services.step_complete(case=case, user=user, step_code=step.code, summary="")
        case.refresh_from_db()
    assert case.step_code != step.code or not case.is_open, f"{step.code} did not move on"
    return case


def _consent_and_school(case, user, school):
    if case.involvements.filter(service=school).exists():
        return
    services.consent_record(
        case=case,
        user=user,
        services=[school],
        guardians=list(case.child.guardians.all()),
        information=["wellbeing"],
        form="written",
        purpose="Samarbeid om barnets trivsel",
        given_on=timezone.localdate(),
    )
    services.service_involve(case=case, user=user, service=school)


def _decide(case, user, to_level, school):
    rules = table(active_guide())
    if to_level is not CLOSED and to_level >= rules.collaboration_from_level > case.level:
        _consent_and_school(case, user, school)
    result = services.case_decide(
        case=case,
        user=user,
        to_level=to_level,
        reason="Drøftet med foresatte.",
        child_view="Barnet sier at det vil ha det bedre i barnehagen.",
        step_code=case.step_code,
    )
    if rules.levels[case.level].leader_decides:
        assert isinstance(result, DecisionProposal), "the guide has the leader decide"
        case.refresh_from_db()
        assert case.level == result.from_level, "a proposal does not move the case"
        services.proposal_answer(proposal=result, user=leader_of(case), confirm=True)
    case.refresh_from_db()
    return case


def _walk_to_decision(case, user, school, kinds_used):
    while not (step := guide_step(active_guide(), case.step_code)).is_decision:
        case = _fulfil(case, user, step, school, kinds_used)
    return case


def test_the_main_journey_under_each_guide(guide, make_case, employee, school, client):
    rules = table(guide)
    kinds_used: set[str] = set()
    case = make_case()
    assert (case.level, case.step_code) == (0, rules.levels[0].path[0])

    case = _walk_to_decision(case, employee, school, kinds_used)
    assert case.step_code == rules.levels[0].decision_step
    first = min(n for n in rules.levels[0].to_levels if n is not CLOSED)
    case = _decide(case, employee, first, school)
    assert (case.level, case.step_code) == (first, rules.levels[first].path[0])

    case = _walk_to_decision(case, employee, school, kinds_used)
    assert case.step_code == rules.levels[first].decision_step
    case = _decide(case, employee, CLOSED, school)
    closing = rules.levels[first].closing_steps
    if closing:
        assert case.is_open and case.step_code == closing[0]
        while case.is_open:
            case = _fulfil(case, employee, guide_step(guide, case.step_code), school, kinds_used)
    assert case.status == Case.Status.CLOSED

    # The meetings were the guide's own kinds, and the log names them by the guide's names.
    assert kinds_used, "the journey books the meetings its steps call for"
    names = {k.code: k.name for k in guide.meeting_kinds.all()}
    log = " ".join(case.relay_entries.values_list("text", flat=True))
    assert all(names[k] in log for k in kinds_used)
    assert case.relay_entries.filter(kind=RelayEntry.Kind.DECISION).count() == 2

    # The pages and the documents speak the guide's words, in its language form.
    leader = leader_of(case)
    client.force_login(leader)
    response = client.get(reverse("cases:detail", args=[case.pk]))
    page = response.text
    assert f'<html lang="{guide.language}"' in page
    assert response["Content-Language"] == guide.language
    assert f"– {guide.product_name} {guide.municipality}</title>" in page
    assert guide.concern_word_definite[:1].upper() + guide.concern_word_definite[1:] in page
    pdf = client.get(reverse("cases:case_pdf", args=[case.pk]))
    reader = PdfReader(BytesIO(pdf.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert reader.trailer["/Root"]["/Lang"] == guide.language
    assert reader.metadata.creator == guide.product_name
    assert guide.concern_word_definite[:1].upper() + guide.concern_word_definite[1:] in text
    others = {g.stem for g in GUIDE_FILES} - {guide.slug}
    for other in others:
        other_guide = load_guide(GUIDES / f"{other}.toml", activate=False)
        if other_guide.concern_word != guide.concern_word:
            assert f" {other_guide.concern_word_definite} " not in f" {page.lower()} "
