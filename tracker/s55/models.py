"""One row per version of the PCC's s.55 response to an HMICFRS report, and its entries.

Under section 55 of the Police Act 1996 the PCC comments on each HMICFRS report about
the force within 56 days of its publication, publishes the comments and sends copies to
HMICFRS and the Home Secretary. A version is drafted from the tracker's data, edited,
submitted for approval, approved by an administrator acting for the PCC, published and
sent. Approved text is frozen: a change after approval is a new version, a new draft.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Marking
from tracker.db import LabelledEnum, TimestampMixin, UTCDateTime, VersionedMixin, db, enum_column

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.sources.models import Finding, HmicfrsReport

TEXT_MAX = 20_000
URL_MAX = 500


class S55State(LabelledEnum):
    DRAFT = ("draft", "Draft")
    AWAITING_APPROVAL = ("awaiting_approval", "Awaiting approval")
    APPROVED = ("approved", "Approved")
    PUBLISHED = ("published", "Published")
    SENT = ("sent", "Sent to HMICFRS and the Home Secretary")

    @property
    def frozen(self) -> bool:
        """Approved text is never changed: a new version is drafted instead."""
        return self not in (S55State.DRAFT, S55State.AWAITING_APPROVAL)

    @property
    def published(self) -> bool:
        return self in (S55State.PUBLISHED, S55State.SENT)


class S55Response(VersionedMixin, TimestampMixin, db.Model):
    """One version of the PCC's s.55 comments on an HMICFRS report."""

    __tablename__ = "s55_responses"
    __table_args__ = (
        UniqueConstraint("report_id", "number", name="uq_s55_responses_report_number"),
        CheckConstraint(
            "state IN ('draft', 'awaiting_approval') OR approved_on IS NOT NULL",
            name="approved_when",
        ),
        CheckConstraint(
            "state NOT IN ('published', 'sent') OR (published_on IS NOT NULL "
            "AND published_url <> '')",
            name="published_when",
        ),
        CheckConstraint("public = (state IN ('published', 'sent'))", name="public_when_published"),
        CheckConstraint(
            "published_on IS NULL OR approved_on IS NULL OR published_on >= approved_on",
            name="published_after_approval",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("hmicfrs_reports.id"), index=True)
    # 1 for the first version, 2 for the one drafted after version 1 was approved, ...
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[S55State] = mapped_column(
        enum_column(S55State, "s55_state"), default=S55State.DRAFT
    )
    cc_comments: Mapped[str] = mapped_column(Text, default="")
    pcc_comments: Mapped[str] = mapped_column(Text, default="")
    include_afis: Mapped[bool] = mapped_column(Boolean, default=False)
    # The most sensitive marking of what was drafted in (OFFICIAL unless more sensitive).
    marking: Mapped[Marking] = mapped_column(
        enum_column(Marking, "s55_marking"), default=Marking.OFFICIAL
    )
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_on: Mapped[date | None] = mapped_column(Date)
    published_on: Mapped[date | None] = mapped_column(Date)
    published_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    sent_to_hmicfrs_on: Mapped[date | None] = mapped_column(Date)
    sent_to_home_secretary_on: Mapped[date | None] = mapped_column(Date)
    # Published (public pages show only these): set with the state, never on its own.
    public: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[HmicfrsReport] = relationship()
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    entries: Mapped[list[S55Entry]] = relationship(
        back_populates="response", order_by="S55Entry.position", cascade="all, delete-orphan"
    )

    def met(self, due_on: date) -> bool | None:
        """Published by `due_on` (None: not published yet)."""
        if self.published_on is None:
            return None
        return self.published_on <= due_on

    def __repr__(self) -> str:
        return f"<S55Response {self.id} report {self.report_id} v{self.number} {self.state.value}>"


class S55Entry(db.Model):
    """What the response says about one finding: the action taken or proposed, or why none."""

    __tablename__ = "s55_entries"
    __table_args__ = (
        UniqueConstraint("response_id", "finding_id", name="uq_s55_entries_response_finding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("s55_responses.id"), index=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    action_text: Mapped[str] = mapped_column(Text, default="")
    no_action_reason: Mapped[str] = mapped_column(Text, default="")

    response: Mapped[S55Response] = relationship(back_populates="entries")
    finding: Mapped[Finding] = relationship()

    def __repr__(self) -> str:
        return f"<S55Entry {self.id} response {self.response_id} finding {self.finding_id}>"
