"""Demo statutory calendar: a precept year the Panel vetoed, an annual-report review and
a Chief Constable appointment the Panel confirmed.

Recorded through the statutory services by the demo OPCC officer (the PCC's steps) and
the demo Panel clerk (the Panel's steps), on dates already past on the seeding day.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.db import db
from tracker.statutory import services
from tracker.statutory.models import (
    AnnualReportReview,
    ChiefConstableAppointment,
    PcDecision,
    PreceptYear,
    Recommendation,
    VetoReason,
)


def _last_completed_precept_year(today: date) -> int:
    """The latest financial year whose precept was issued by `today` (1 March)."""
    return today.year if today >= date(today.year, 3, 1) else today.year - 1


def seed_statutory(officer: User, clerk: User, today: date) -> dict[str, int]:
    """Add the demo precept year and annual-report review once; returns what was added."""
    if db.session.scalar(select(func.count(PreceptYear.id))):
        return {}
    year = _last_completed_precept_year(today)
    precept = services.create_record(
        PreceptYear,
        by=officer,
        financial_year=year,
        proposal_notified_on=date(year, 1, 31),
        proposed_amount=Decimal("135250000.00"),
        proposed_band_d=Decimal("262.47"),
    )
    services.record_panel_side(
        precept,
        by=clerk,
        report_on=date(year, 2, 6),
        report_text=(
            "The Panel reviewed the proposed precept of £262.47 for a Band D property, an"
            " increase of £15.00. It was not assured that the increase was needed to deliver"
            " the Safer West Mercia Plan and resolved to veto the proposed precept as too high."
        ),
        vetoed=True,
        veto_reason=VetoReason.TOO_HIGH,
        panel_members=15,
        votes_for_veto=11,
    )
    services.record_pcc_side(
        precept,
        by=officer,
        proposal_notified_on=date(year, 1, 31),
        proposed_amount=Decimal("135250000.00"),
        proposed_band_d=Decimal("262.47"),
        response_on=date(year, 2, 14),
        response_text=(
            "The PCC has had regard to the Panel's report and proposes a revised precept of"
            " £257.47 for a Band D property, funding the neighbourhood policing uplift from"
            " reserves for one year."
        ),
        revised_amount=Decimal("132670000.00"),
        revised_band_d=Decimal("257.47"),
    )
    services.record_panel_side(
        precept,
        by=clerk,
        report_on=date(year, 2, 6),
        report_text=precept.report_text,
        vetoed=True,
        veto_reason=VetoReason.TOO_HIGH,
        panel_members=15,
        votes_for_veto=11,
        second_report_on=date(year, 2, 21),
        second_report_text="The Panel supports the revised precept of £257.47.",
    )
    services.record_pcc_side(
        precept,
        by=officer,
        proposal_notified_on=date(year, 1, 31),
        proposed_amount=Decimal("135250000.00"),
        proposed_band_d=Decimal("262.47"),
        response_on=date(year, 2, 14),
        response_text=precept.response_text,
        revised_amount=Decimal("132670000.00"),
        revised_band_d=Decimal("257.47"),
        issued_on=date(year, 2, 27),
        final_amount=Decimal("132670000.00"),
        final_band_d=Decimal("257.47"),
    )
    # The annual report for the last year whose review finished by 1 September.
    reviewed = today.year if today >= date(today.year, 9, 1) else today.year - 1
    review = services.create_record(
        AnnualReportReview,
        by=officer,
        financial_year=reviewed - 1,
        sent_on=date(reviewed, 6, 2),
    )
    services.record_panel_side(
        review,
        by=clerk,
        meeting_on=date(reviewed, 7, 27),
        report_on=date(reviewed, 8, 3),
        report_text=(
            "The Panel recommends that future annual reports include comparative figures"
            " from previous years, and expand the sections on equality implications and"
            " financial management."
        ),
        response_due_on=date(reviewed, 8, 31),
    )
    services.record_pcc_side(
        review,
        by=officer,
        sent_on=date(reviewed, 6, 2),
        response_on=date(reviewed, 8, 24),
        response_text=(
            "The PCC accepts both recommendations: the published report now compares each"
            " measure with the two previous years and has expanded equality and finance"
            " sections."
        ),
        published_on=date(reviewed, 9, 1),
    )
    # A confirmation hearing held well inside the three weeks of Sch. 8 para. 4(6).
    notified = date(reviewed - 2, 1, 9)
    appointment = services.create_record(
        ChiefConstableAppointment,
        by=officer,
        candidate_name="Richard Cooper",
        notified_on=notified,
    )
    services.record_panel_side(
        appointment,
        by=clerk,
        hearing_on=date(reviewed - 2, 1, 20),
        report_on=date(reviewed - 2, 1, 23),
        report_text=(
            "The Panel held a confirmation hearing and recommends that the Commissioner"
            " appoints the candidate as Chief Constable."
        ),
        recommendation=Recommendation.APPOINT,
    )
    services.record_pcc_side(
        appointment,
        by=officer,
        candidate_name="Richard Cooper",
        notified_on=notified,
        decision=PcDecision.ACCEPTED,
        decision_on=date(reviewed - 2, 1, 25),
        outcome_text="The Commissioner accepted the Panel's recommendation and appointed.",
    )
    return {"precept years": 1, "annual-report reviews": 1, "Chief Constable appointments": 1}
