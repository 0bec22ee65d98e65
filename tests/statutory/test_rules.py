"""The statutory deadlines, their explanations and citations, and the veto majority."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.deadlines import (
    confirmation_report_due,
    precept_issue_due,
    precept_notification_due,
    precept_report_due,
    precept_response_due,
    revised_precept_report_due,
)
from tracker.statutory.models import ChiefConstableAppointment, PreceptYear, VetoReason
from tracker.statutory.rules import (
    appointment_timeline,
    precept_panel_errors,
    precept_pcc_errors,
    precept_timeline,
    veto_majority_met,
    votes_needed_to_veto,
)


@pytest.mark.parametrize(
    ("deadline", "due", "citation"),
    [
        (precept_notification_due, date(2024, 2, 1), "reg. 3"),
        (precept_report_due, date(2024, 2, 8), "reg. 4"),
        (precept_response_due, date(2024, 2, 15), "reg. 5"),
        (revised_precept_report_due, date(2024, 2, 22), "reg. 6"),
        (precept_issue_due, date(2024, 3, 1), "Sch. 5 para. 1"),
    ],
)
def test_precept_deadlines_are_fixed_dates_in_the_year_the_financial_year_starts(
    deadline, due, citation
):
    found = deadline(2024)
    assert found.due == due
    assert citation in found.citation
    assert "The date is fixed" in found.explanation or "the date is fixed" in found.explanation


def test_precept_notification_cites_the_regulations_and_schedule_5():
    found = precept_notification_due(2025)
    assert "SI 2012/2271" in found.citation
    assert "Sch. 5 para. 2" in found.citation
    assert found.verified


def test_a_fixed_date_on_a_weekend_is_not_moved_and_says_so():
    found = precept_report_due(2025)  # 8 February 2025 is a Saturday
    assert found.due == date(2025, 2, 8)
    assert "Saturday" in found.explanation
    assert "nothing in the provision moves it" in found.explanation


def test_steps_whose_text_was_not_checked_are_marked_not_verified():
    assert not revised_precept_report_due(2024).verified
    assert not precept_issue_due(2024).verified
    assert "not verified" in revised_precept_report_due(2024).citation


def test_leap_year_keeps_the_fixed_dates():
    # 2024 is a leap year: 29 February lies between the second report and issue, and
    # nothing is computed from a day count.
    assert revised_precept_report_due(2024).due == date(2024, 2, 22)
    assert precept_issue_due(2024).due == date(2024, 3, 1)
    assert (precept_issue_due(2024).due - revised_precept_report_due(2024).due).days == 8
    assert (precept_issue_due(2023).due - revised_precept_report_due(2023).due).days == 7


def test_confirmation_period_is_three_weeks_beginning_with_the_notification_day():
    found = confirmation_report_due(date(2024, 3, 4))
    assert found.due == date(2024, 3, 24)  # day 1 is 4 March, day 21 is 24 March
    assert "Sch. 8 para. 4(6)" in found.citation
    assert "post-election" in found.explanation


def test_confirmation_period_across_29_february():
    assert confirmation_report_due(date(2024, 2, 20)).due == date(2024, 3, 11)
    assert confirmation_report_due(date(2023, 2, 20)).due == date(2023, 3, 12)


@pytest.mark.parametrize(
    ("members", "needed"), [(10, 7), (12, 8), (15, 10), (20, 14), (3, 2), (1, 1)]
)
def test_votes_needed_to_veto_is_two_thirds_of_members_rounded_up(members, needed):
    assert votes_needed_to_veto(members) == needed
    assert veto_majority_met(needed, members)
    assert not veto_majority_met(needed - 1, members)


def test_a_veto_short_of_two_thirds_of_members_is_refused():
    errors = precept_panel_errors(
        vetoed=True,
        veto_reason=VetoReason.TOO_HIGH,
        votes_for=9,
        panel_members=15,
        report_on=date(2024, 2, 6),
        second_report_on=None,
    )
    assert "at least 10 of the 15 members" in errors["vetoed"]
    assert "Sch. 5 para. 4(4)" in errors["vetoed"]


def test_a_veto_needs_a_reason_and_a_report_date():
    errors = precept_panel_errors(
        vetoed=True,
        veto_reason=None,
        votes_for=10,
        panel_members=15,
        report_on=None,
        second_report_on=None,
    )
    assert set(errors) == {"veto_reason", "report_on"}


def test_a_second_report_without_a_veto_is_refused():
    errors = precept_panel_errors(
        vetoed=False,
        veto_reason=None,
        votes_for=None,
        panel_members=None,
        report_on=date(2024, 2, 6),
        second_report_on=date(2024, 2, 20),
    )
    assert "only a veto" in errors["second_report_on"]


def _vetoed(reason: VetoReason) -> PreceptYear:
    return PreceptYear(
        financial_year=2024, vetoed=True, veto_reason=reason, proposed_band_d=Decimal("250.00")
    )


def test_revised_precept_after_a_too_high_veto_must_be_lower():
    precept = _vetoed(VetoReason.TOO_HIGH)
    errors = precept_pcc_errors(precept, revised_band_d=Decimal("251.00"), response_on=None)
    assert "must be lower" in errors["revised_band_d"]
    ok = precept_pcc_errors(precept, revised_band_d=Decimal("245.00"), response_on=None)
    assert ok == {}


def test_revised_precept_after_a_too_low_veto_must_be_higher():
    precept = _vetoed(VetoReason.TOO_LOW)
    errors = precept_pcc_errors(precept, revised_band_d=Decimal("249.99"), response_on=None)
    assert "must be higher" in errors["revised_band_d"]


def test_a_revised_precept_without_a_veto_is_refused():
    precept = PreceptYear(financial_year=2024, vetoed=False)
    errors = precept_pcc_errors(precept, revised_band_d=Decimal("1"), response_on=None)
    assert "only a Panel veto" in errors["revised_band_d"]


def test_timeline_of_a_year_without_veto_marks_the_veto_steps_as_not_applying():
    steps = precept_timeline(PreceptYear(financial_year=2024, vetoed=False))
    assert [s.applies for s in steps] == [True, True, False, False, True]
    assert [s.deadline.due.day for s in steps] == [1, 8, 15, 22, 1]


def test_timeline_of_a_veto_year_shows_every_step_and_flags_a_late_one():
    precept = PreceptYear(
        financial_year=2024,
        vetoed=True,
        proposal_notified_on=date(2024, 1, 30),
        report_on=date(2024, 2, 7),
        response_on=date(2024, 2, 16),
    )
    steps = precept_timeline(precept)
    assert all(s.applies for s in steps)
    today = date(2024, 2, 20)
    assert [s.late(today) for s in steps] == [False, False, True, False, False]


def test_appointment_timeline_uses_one_deadline_for_hearing_and_report():
    appointment = ChiefConstableAppointment(
        candidate_name="A. Candidate", notified_on=date(2024, 3, 4), vetoed=False
    )
    steps = appointment_timeline(appointment)
    assert steps[1].deadline.due == steps[2].deadline.due == date(2024, 3, 24)
    assert steps[3].applies
