"""Records of the statutory calendar: one precept year, one Chief Constable appointment,
one annual-report review. Each row carries the PCC's side and the Panel's side."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import LabelledEnum, TimestampMixin, VersionedMixin, db, enum_column

NAME_MAX = 200
TEXT_MAX = 20000


class VetoReason(LabelledEnum):
    """Why the Panel vetoed a proposed precept (reg. 5(3) of SI 2012/2271)."""

    TOO_HIGH = ("too_high", "Too high")
    TOO_LOW = ("too_low", "Too low")


class Recommendation(LabelledEnum):
    """The Panel's recommendation on a proposed Chief Constable (Sch. 8 para. 4(4))."""

    APPOINT = ("appoint", "Appoint the candidate")
    DO_NOT_APPOINT = ("do_not_appoint", "Do not appoint the candidate")


class PcDecision(LabelledEnum):
    """The PCC's decision on the Panel's recommendation (Sch. 8 para. 7(2)-(3))."""

    ACCEPTED = ("accepted", "Accepted the Panel's recommendation")
    REJECTED = ("rejected", "Rejected the Panel's recommendation")


class PreceptYear(TimestampMixin, VersionedMixin, db.Model):
    """The precept for one financial year (April `financial_year` to March the next) and
    its scrutiny by the Panel. Amounts are pounds: the total precept and the Band D charge."""

    __tablename__ = "precept_years"
    __table_args__ = (
        CheckConstraint("financial_year BETWEEN 2013 AND 2100", name="financial_year_range"),
        CheckConstraint(
            "votes_for_veto IS NULL OR (panel_members IS NOT NULL"
            " AND votes_for_veto BETWEEN 0 AND panel_members)",
            name="votes_within_members",
        ),
        CheckConstraint("NOT vetoed OR veto_reason IS NOT NULL", name="veto_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, unique=True)
    # The PCC's side.
    proposal_notified_on: Mapped[date | None] = mapped_column(Date)
    proposed_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    proposed_band_d: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    response_on: Mapped[date | None] = mapped_column(Date)
    response_text: Mapped[str] = mapped_column(Text, default="")
    revised_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    revised_band_d: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    issued_on: Mapped[date | None] = mapped_column(Date)
    final_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    final_band_d: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    # The Panel's side.
    report_on: Mapped[date | None] = mapped_column(Date)
    report_text: Mapped[str] = mapped_column(Text, default="")
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    veto_reason: Mapped[VetoReason | None] = mapped_column(enum_column(VetoReason, "veto_reason"))
    panel_members: Mapped[int | None] = mapped_column(Integer)
    votes_for_veto: Mapped[int | None] = mapped_column(Integer)
    second_report_on: Mapped[date | None] = mapped_column(Date)
    second_report_text: Mapped[str] = mapped_column(Text, default="")

    @property
    def label(self) -> str:
        """The financial year in words: "2024/25"."""
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    def __repr__(self) -> str:
        return f"<PreceptYear {self.label}>"


class ChiefConstableAppointment(TimestampMixin, VersionedMixin, db.Model):
    """A proposed appointment of a Chief Constable and the Panel's confirmation hearing."""

    __tablename__ = "chief_constable_appointments"
    __table_args__ = (
        CheckConstraint(
            "votes_for_veto IS NULL OR (panel_members IS NOT NULL"
            " AND votes_for_veto BETWEEN 0 AND panel_members)",
            name="votes_within_members",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The PCC's side.
    candidate_name: Mapped[str] = mapped_column(String(NAME_MAX))
    notified_on: Mapped[date] = mapped_column(Date)
    decision: Mapped[PcDecision | None] = mapped_column(enum_column(PcDecision, "pcc_decision"))
    decision_on: Mapped[date | None] = mapped_column(Date)
    outcome_text: Mapped[str] = mapped_column(Text, default="")
    # The Panel's side.
    hearing_on: Mapped[date | None] = mapped_column(Date)
    report_on: Mapped[date | None] = mapped_column(Date)
    report_text: Mapped[str] = mapped_column(Text, default="")
    recommendation: Mapped[Recommendation | None] = mapped_column(
        enum_column(Recommendation, "recommendation")
    )
    vetoed: Mapped[bool] = mapped_column(Boolean, default=False)
    panel_members: Mapped[int | None] = mapped_column(Integer)
    votes_for_veto: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<ChiefConstableAppointment {self.id} {self.candidate_name!r}>"


class AnnualReportReview(TimestampMixin, VersionedMixin, db.Model):
    """The PCC's annual report for one financial year and the Panel's review of it."""

    __tablename__ = "annual_report_reviews"
    __table_args__ = (
        CheckConstraint("financial_year BETWEEN 2013 AND 2100", name="financial_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(Integer, unique=True)
    # The PCC's side.
    sent_on: Mapped[date | None] = mapped_column(Date)
    response_on: Mapped[date | None] = mapped_column(Date)
    response_text: Mapped[str] = mapped_column(Text, default="")
    published_on: Mapped[date | None] = mapped_column(Date)
    # The Panel's side.
    meeting_on: Mapped[date | None] = mapped_column(Date)
    report_on: Mapped[date | None] = mapped_column(Date)
    report_text: Mapped[str] = mapped_column(Text, default="")
    response_due_on: Mapped[date | None] = mapped_column(Date)

    @property
    def label(self) -> str:
        """The financial year the report covers: "2022/23"."""
        return f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"

    def __repr__(self) -> str:
        return f"<AnnualReportReview {self.label}>"
