"""The source rules (tracker.sources.rules): each rule passes and fails on its own."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.sources import rules
from tracker.sources.models import FindingKind

COC = FindingKind.CAUSE_OF_CONCERN
REC = FindingKind.RECOMMENDATION
AFI = FindingKind.AREA_FOR_IMPROVEMENT
MEETING = date(2023, 6, 5)


def test_finding_without_a_parent_is_fine():
    assert rules.check_finding_parent(AFI, None) == {}


@pytest.mark.parametrize("parent_kind", [COC, FindingKind.ACCELERATED_CAUSE_OF_CONCERN])
def test_recommendation_may_belong_to_a_cause_of_concern(parent_kind):
    assert rules.check_finding_parent(REC, rules.ParentChoice("CoC1", parent_kind)) == {}


def test_parent_must_exist():
    problems = rules.check_finding_parent(REC, rules.ParentChoice("CoC9", None))
    assert problems == {"parent_id": "There is no cause of concern CoC9 in the report"}


def test_cause_of_concern_cannot_belong_to_another():
    problems = rules.check_finding_parent(COC, rules.ParentChoice("CoC1", COC))
    assert problems == {"parent_id": "A cause of concern cannot belong to another cause of concern"}


def test_parent_must_be_in_the_same_report():
    problems = rules.check_finding_parent(REC, rules.ParentChoice("CoC1", COC, same_report=False))
    assert problems == {"parent_id": "The cause of concern must be in the same report"}


def test_parent_must_be_a_cause_of_concern():
    problems = rules.check_finding_parent(REC, rules.ParentChoice("AFI1", AFI))
    assert problems == {"parent_id": "AFI1 is not a cause of concern"}


def test_finding_cannot_belong_to_itself():
    problems = rules.check_finding_parent(None, rules.ParentChoice("CoC1", COC, is_self=True))
    assert problems == {"parent_id": "A finding cannot belong to itself"}


def test_cause_of_concern_with_children_must_stay_one():
    problems = rules.check_finding_kind("CoC1", REC, has_children=True)
    assert problems == {
        "kind": "CoC1 has findings that belong to it, so it must stay a cause of concern"
    }


@pytest.mark.parametrize(("kind", "has_children"), [(COC, True), (REC, False), (None, True)])
def test_finding_kind_change_allowed(kind, has_children):
    assert rules.check_finding_kind("CoC1", kind, has_children=has_children) == {}


def _panel(**values):
    fields = {
        "panel_meeting_on": MEETING,
        "response_due_on": None,
        "pcc_response": "",
        "pcc_response_on": None,
    }
    fields.update(values)
    return rules.check_panel_item(**fields)


def test_panel_item_with_a_dated_response_on_the_meeting_day_is_fine():
    assert _panel(response_due_on=MEETING, pcc_response="Agreed", pcc_response_on=MEETING) == {}


def test_panel_response_due_before_the_meeting_is_refused():
    assert set(_panel(response_due_on=date(2023, 6, 1))) == {"response_due_on"}


def test_panel_response_needs_its_date():
    assert _panel(pcc_response="Agreed") == {
        "pcc_response_on": "Enter the date of the PCC's response"
    }


def test_panel_response_date_needs_a_response():
    assert set(_panel(pcc_response_on=MEETING)) == {"pcc_response"}


def test_panel_response_before_the_meeting_is_refused():
    problems = _panel(pcc_response="Agreed", pcc_response_on=date(2023, 6, 1))
    assert set(problems) == {"pcc_response_on"}
    assert "after the date of the Panel meeting" in problems["pcc_response_on"]


def test_panel_dates_are_not_judged_without_a_meeting_date():
    assert _panel(panel_meeting_on=None, response_due_on=date(2000, 1, 1)) == {}


def test_adhoc_computed_due_date_needs_nothing():
    assert rules.check_adhoc_due(MEETING, None, "") == {}


def test_adhoc_due_date_set_by_hand_with_a_reason_is_fine():
    assert rules.check_adhoc_due(MEETING, date(2023, 7, 1), "Summer recess") == {}


def test_adhoc_due_date_before_sending_is_refused():
    problems = rules.check_adhoc_due(MEETING, date(2023, 6, 1), "Because")
    assert problems == {
        "response_due_override": "Response due date must be on or after the date sent"
    }


def test_adhoc_due_date_by_hand_needs_a_reason():
    assert set(rules.check_adhoc_due(MEETING, date(2023, 7, 1), "  ")) == {"override_reason"}
