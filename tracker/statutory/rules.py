"""Rules of the statutory calendar, written once: the veto majority, what each record
must say, and each record's timeline of statutory steps with their deadlines.

Forms and services call the `*_errors` functions (field -> message); the database CHECKs
in models.py back the rules that can be stated on one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.deadlines import (
    StatutoryDate,
    confirmation_report_due,
    precept_issue_due,
    precept_notification_due,
    precept_report_due,
    precept_response_due,
    revised_precept_report_due,
)
from tracker.statutory.models import (
    AnnualReportReview,
    ChiefConstableAppointment,
    PreceptYear,
    VetoReason,
)

PRECEPT_VETO = "Police Reform and Social Responsibility Act 2011, Sch. 5 para. 4(4)"
APPOINTMENT_VETO = "Police Reform and Social Responsibility Act 2011, Sch. 8 para. 5 (not verified)"


def votes_needed_to_veto(panel_members: int) -> int:
    """At least two-thirds of the persons who are members of the Panel when the decision is
    made (Sch. 5 para. 4(4)): the smallest whole number of votes that reaches two-thirds."""
    return -(-2 * panel_members // 3)


def veto_majority_met(votes_for: int, panel_members: int) -> bool:
    """Whether `votes_for` is at least two-thirds of `panel_members` (members, not those
    present or voting)."""
    return panel_members > 0 and 3 * votes_for >= 2 * panel_members


def veto_errors(
    vetoed: bool, votes_for: int | None, panel_members: int | None, *, citation: str
) -> dict[str, str]:
    """A veto needs the vote recorded and the two-thirds majority of all members."""
    errors: dict[str, str] = {}
    if votes_for is not None and panel_members is None:
        errors["panel_members"] = "Enter how many members the Panel had when it voted"
    if panel_members is not None and panel_members < 1:
        errors["panel_members"] = "The Panel must have at least 1 member"
    if votes_for is not None and panel_members and votes_for > panel_members:
        errors["votes_for_veto"] = "Votes for the veto cannot be more than the Panel's members"
    if not vetoed or errors:
        return errors
    if votes_for is None or panel_members is None:
        errors["votes_for_veto"] = "Enter the votes for the veto and the Panel's membership"
    elif not veto_majority_met(votes_for, panel_members):
        errors["vetoed"] = (
            f"A veto needs at least {votes_needed_to_veto(panel_members)} of the"
            f" {panel_members} members ({citation}); {votes_for} voted for it"
        )
    return errors


def precept_panel_errors(
    *,
    vetoed: bool,
    veto_reason: VetoReason | None,
    votes_for: int | None,
    panel_members: int | None,
    report_on: date | None,
    second_report_on: date | None,
) -> dict[str, str]:
    """The Panel's side of a precept year: a veto says why and carries its majority; the
    second report follows a veto and the first report."""
    errors = veto_errors(vetoed, votes_for, panel_members, citation=PRECEPT_VETO)
    if vetoed and veto_reason is None:
        errors["veto_reason"] = "Choose whether the Panel vetoed the precept as too high or too low"
    if vetoed and report_on is None:
        errors.setdefault("report_on", "Enter the date of the Panel's report stating the veto")
    if second_report_on is not None and not vetoed:
        errors["second_report_on"] = "A report on a revised precept follows only a veto"
    if second_report_on and report_on and second_report_on < report_on:
        errors["second_report_on"] = "The second report cannot be before the first report"
    return errors


def precept_pcc_errors(
    precept: PreceptYear,
    *,
    revised_band_d: Decimal | None,
    response_on: date | None,
    proposed_band_d: Decimal | None = None,
) -> dict[str, str]:
    """The PCC's side: after a veto as too high the revised precept is lower, after a veto
    as too low it is higher (reg. 5(3) of SI 2012/2271)."""
    errors: dict[str, str] = {}
    proposed = proposed_band_d if proposed_band_d is not None else precept.proposed_band_d
    if (response_on or revised_band_d is not None) and not precept.vetoed:
        field = "response_on" if response_on else "revised_band_d"
        errors[field] = "A response with a revised precept follows only a Panel veto"
        return errors
    if revised_band_d is None or proposed is None:
        return errors
    if precept.veto_reason == VetoReason.TOO_HIGH and revised_band_d >= proposed:
        errors["revised_band_d"] = (
            f"The Panel vetoed £{proposed} as too high: the revised Band D must be lower"
            " (reg. 5(3)(a))"
        )
    if precept.veto_reason == VetoReason.TOO_LOW and revised_band_d <= proposed:
        errors["revised_band_d"] = (
            f"The Panel vetoed £{proposed} as too low: the revised Band D must be higher"
            " (reg. 5(3)(b))"
        )
    return errors


def appointment_panel_errors(
    *,
    vetoed: bool,
    votes_for: int | None,
    panel_members: int | None,
    recommendation: object | None,
    hearing_on: date | None,
    report_on: date | None,
) -> dict[str, str]:
    """A report recommends whether to appoint unless the Panel vetoed (Sch. 8 para. 4(4)-(5))."""
    errors = veto_errors(vetoed, votes_for, panel_members, citation=APPOINTMENT_VETO)
    if report_on and not vetoed and recommendation is None:
        errors["recommendation"] = "Choose the Panel's recommendation on the candidate"
    if hearing_on and report_on and report_on < hearing_on:
        errors["report_on"] = "The report cannot be before the confirmation hearing"
    return errors


@dataclass(frozen=True)
class Step:
    """One statutory step on a timeline: who acts, by when and why, and whether it is done."""

    title: str
    actor: str  # "PCC" or "Panel"
    deadline: StatutoryDate | None
    done_on: date | None
    # False for a step that applies only after a veto that did not happen.
    applies: bool = True
    note: str = ""

    def late(self, today: date) -> bool:
        """Past its deadline: done after it, or still not done when it has passed."""
        if not self.applies or self.deadline is None:
            return False
        return (self.done_on or today) > self.deadline.due


def precept_timeline(precept: PreceptYear) -> list[Step]:
    """Every step of a precept year in order, the veto steps marked as not applying when
    the Panel did not veto."""
    year = precept.financial_year
    vetoed = precept.vetoed
    not_vetoed = "Applies only if the Panel vetoes the proposed precept."
    return [
        Step(
            "The PCC notifies the Panel of the proposed precept",
            "PCC",
            precept_notification_due(year),
            precept.proposal_notified_on,
        ),
        Step(
            "The Panel reviews the proposed precept and reports (a veto is stated in the report)",
            "Panel",
            precept_report_due(year),
            precept.report_on,
        ),
        Step(
            "The PCC responds to the veto and notifies a revised precept",
            "PCC",
            precept_response_due(year),
            precept.response_on,
            applies=vetoed,
            note="" if vetoed else not_vetoed,
        ),
        Step(
            "The Panel reviews the revised precept and reports",
            "Panel",
            revised_precept_report_due(year),
            precept.second_report_on,
            applies=vetoed,
            note="" if vetoed else not_vetoed,
        ),
        Step(
            "The PCC issues the precept to the billing authorities",
            "PCC",
            precept_issue_due(year),
            precept.issued_on,
        ),
    ]


def appointment_timeline(appointment: ChiefConstableAppointment) -> list[Step]:
    """Notification, confirmation hearing and report (one deadline), and the PCC's decision."""
    due = confirmation_report_due(appointment.notified_on)
    after_veto = (
        "After a veto the PCC must not appoint this candidate and proposes another; the"
        " steps that follow are in Part 3 of SI 2012/2271 (not verified here)."
    )
    return [
        Step(
            "The PCC notifies the Panel of the proposed appointment",
            "PCC",
            None,
            appointment.notified_on,
            note="Sch. 8 para. 3: the candidate's name, the criteria, why the candidate meets"
            " them, and the terms of appointment.",
        ),
        Step("The Panel holds a confirmation hearing", "Panel", due, appointment.hearing_on),
        Step(
            "The Panel reports to the PCC, with its recommendation or veto",
            "Panel",
            due,
            appointment.report_on,
        ),
        Step(
            "The PCC notifies the Panel whether it accepts the recommendation",
            "PCC",
            None,
            appointment.decision_on,
            applies=not appointment.vetoed,
            note=after_veto
            if appointment.vetoed
            else "Sch. 8 para. 7(3): no statutory date; it ends the confirmation process.",
        ),
    ]


def annual_report_timeline(review: AnnualReportReview) -> list[Step]:
    """The annual report's steps: none has a date fixed by statute; a response date is
    the one the Panel sets."""
    due = None
    if review.response_due_on:
        due = StatutoryDate(
            review.response_due_on,
            "The date the Panel set for the PCC's written response.",
            "Police Reform and Social Responsibility Act 2011, s.29(3)",
        )
    return [
        Step(
            "The PCC sends the annual report to the Panel",
            "PCC",
            None,
            review.sent_on,
            note="s.12(2): as soon as practicable after producing it.",
        ),
        Step(
            "The Panel holds a public meeting and questions the PCC on the report",
            "Panel",
            None,
            review.meeting_on,
            note="s.28(4) and s.12(3): as soon as practicable after receiving it.",
        ),
        Step(
            "The Panel makes a report or recommendations on the annual report",
            "Panel",
            None,
            review.report_on,
            note="s.28(4).",
        ),
        Step(
            "The PCC responds to the Panel's report or recommendations",
            "PCC",
            due,
            review.response_on,
            note="s.12(4): the PCC must respond and publish the response.",
        ),
        Step(
            "The PCC publishes the annual report", "PCC", None, review.published_on, note="s.12(6)."
        ),
    ]
