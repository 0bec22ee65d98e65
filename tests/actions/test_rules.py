"""The action rules (tracker.actions.rules): each rule passes and fails on its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tracker.actions import rules
from tracker.auth.models import Organisation

RAISED = date(2023, 6, 5)


@dataclass
class Owner:
    name: str = "Fran Force"
    active: bool = True
    organisation: Organisation = Organisation.FORCE


def test_due_date_on_the_day_raised_is_fine():
    assert rules.check_dates(RAISED, RAISED) == {}


def test_due_date_before_the_day_raised_is_refused_on_the_due_date():
    assert rules.check_dates(RAISED, date(2023, 6, 4)) == {"due_on": rules.DUE_BEFORE_RAISED}


def test_original_due_date_before_the_day_raised_is_refused_on_its_field():
    problems = rules.check_dates(RAISED, date(2023, 7, 1), date(2023, 6, 1))
    assert problems == {"original_due_on": rules.ORIGINAL_DUE_BEFORE_RAISED}


def test_missing_dates_are_not_judged():
    assert rules.check_dates(None, date(2000, 1, 1)) == {}
    assert rules.check_dates(RAISED, None, None) == {}


@pytest.mark.parametrize("organisation", [Organisation.OPCC, Organisation.FORCE])
def test_active_opcc_or_force_user_may_own_an_action(organisation):
    assert rules.check_owner(Owner(organisation=organisation)) == {}


def test_deactivated_owner_is_refused():
    problems = rules.check_owner(Owner(active=False))
    assert problems == {"owner": "Fran Force is deactivated: choose an active owner"}


def test_panel_clerk_cannot_own_an_action():
    problems = rules.check_owner(Owner(name="Pat Panel", organisation=Organisation.PANEL))
    assert problems == {"owner": "Pat Panel does not work for the OPCC or the force"}


@pytest.mark.parametrize(
    ("organisation", "opcc_only"),
    [
        (Organisation.FORCE, False),
        (Organisation.OPCC, False),
        (Organisation.OPCC, True),
    ],
)
def test_allowed_ownership_and_restriction(organisation, opcc_only):
    assert rules.check_restriction(organisation, opcc_only) == {}


def test_force_owned_action_cannot_be_opcc_only():
    problems = rules.check_restriction(Organisation.FORCE, True)
    assert problems == {"opcc_only": rules.FORCE_OWNED_OPCC_ONLY}


def test_panel_cannot_own_an_action():
    problems = rules.check_restriction(Organisation.PANEL, False)
    assert problems == {"owning_organisation": rules.NOT_OWNING_ORGANISATION}


def test_check_action_gathers_every_rule_by_field():
    problems = rules.check_action(
        raised_on=RAISED,
        due_on=date(2023, 1, 1),
        owner=Owner(active=False),
        owning_organisation=Organisation.FORCE,
        opcc_only=True,
    )
    assert set(problems) == {"due_on", "owner", "opcc_only"}


def test_check_action_is_empty_for_good_details():
    problems = rules.check_action(
        raised_on=RAISED,
        due_on=date(2023, 9, 30),
        owner=Owner(),
        owning_organisation=Organisation.FORCE,
        opcc_only=False,
    )
    assert problems == {}
