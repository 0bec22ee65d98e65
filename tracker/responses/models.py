"""One row per version of a written response from the force.

A version starts as the force's draft, is submitted to the OPCC, and is then either sent
back with a reason (the force writes the next version) or accepted with an assurance
conclusion. Versions are never deleted: the list of them is the exchange's record.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.assurance import AssuranceMethod, AssuranceVerdict
from tracker.db import LabelledEnum, TimestampMixin, UTCDateTime, VersionedMixin, db, enum_column
from tracker.deadlines import days_late

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.sources.models import AdhocRequest, HmicfrsReport

TEXT_MAX = 20_000
REASON_MAX = 5_000


class ResponseState(LabelledEnum):
    DRAFT = ("draft", "Draft")
    SUBMITTED = ("submitted", "Awaiting OPCC review")
    SENT_BACK = ("sent_back", "Sent back")
    ACCEPTED = ("accepted", "Accepted")


# What the force is answering: the words used on pages, emails and history.
KIND_LABELS = {
    "adhoc_request": "the Chief Constable's response",
    "hmicfrs_report": "the Chief Constable's comments",
}


class WrittenResponse(VersionedMixin, TimestampMixin, db.Model):
    """One version of the Chief Constable's response to a request, or comments on a report."""

    __tablename__ = "written_responses"
    __table_args__ = (
        CheckConstraint(
            "(adhoc_request_id IS NULL) <> (hmicfrs_report_id IS NULL)", name="one_subject"
        ),
        CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_when"),
        CheckConstraint("state <> 'sent_back' OR review_reason <> ''", name="sent_back_reason"),
        CheckConstraint(
            "state <> 'accepted' OR (assurance_verdict IS NOT NULL "
            "AND assurance_verdict <> 'not_assured')",
            name="accepted_assured",
        ),
        UniqueConstraint("adhoc_request_id", "number", name="uq_written_responses_request_number"),
        UniqueConstraint("hmicfrs_report_id", "number", name="uq_written_responses_report_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    adhoc_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("adhoc_requests.id"), index=True
    )
    hmicfrs_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("hmicfrs_reports.id"), index=True
    )
    # 1 for the first version, 2 for the one written after it was sent back, ...
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[ResponseState] = mapped_column(
        enum_column(ResponseState, "response_state"), default=ResponseState.DRAFT
    )
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The date it was submitted (in the tracker's time zone) and the due date then.
    submitted_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    review_reason: Mapped[str] = mapped_column(Text, default="")
    assurance_method: Mapped[AssuranceMethod | None] = mapped_column(
        enum_column(AssuranceMethod, "response_assurance_method")
    )
    assurance_verdict: Mapped[AssuranceVerdict | None] = mapped_column(
        enum_column(AssuranceVerdict, "response_assurance_verdict")
    )
    assurance_note: Mapped[str] = mapped_column(Text, default="")

    adhoc_request: Mapped[AdhocRequest | None] = relationship()
    hmicfrs_report: Mapped[HmicfrsReport | None] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def days_late(self) -> int:
        """Days after the due date it was submitted (0: on time, or not yet submitted)."""
        if self.submitted_on is None:
            return 0
        return days_late(self.due_on, self.submitted_on, done=False)

    def __repr__(self) -> str:
        subject = (
            f"request {self.adhoc_request_id}"
            if self.adhoc_request_id
            else f"report {self.hmicfrs_report_id}"
        )
        return f"<WrittenResponse {self.id} {subject} v{self.number} {self.state.value}>"
