"""Lines of enquiry, public questions and actions brought to a meeting on purpose."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import TimestampMixin, UTCDateTime, VersionedMixin, db, utcnow
from tracker.sources.models import TEXT_MAX, Meeting

if TYPE_CHECKING:
    from tracker.actions.models import Action
    from tracker.auth.models import User

__all__ = ["TEXT_MAX", "BroughtAction", "LineOfEnquiry", "PublicQuestion"]


class LineOfEnquiry(VersionedMixin, TimestampMixin, db.Model):
    """A question the PCC will ask at a meeting, the force's answer and the OPCC's
    conclusion ("the PCC sought reassurance that...", "concluded that...")."""

    __tablename__ = "lines_of_enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    conclusion: Mapped[str] = mapped_column(Text, default="")
    concluded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Kept from the force: a line the OPCC is still preparing.
    opcc_only: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship()
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    concluded_by: Mapped[User | None] = relationship(foreign_keys=[concluded_by_id])

    @property
    def is_concluded(self) -> bool:
        """The OPCC has concluded: the force's answer can no longer change."""
        return bool(self.conclusion)

    def __repr__(self) -> str:
        return f"<LineOfEnquiry {self.id} meeting {self.meeting_id} #{self.position}>"


class PublicQuestion(VersionedMixin, TimestampMixin, db.Model):
    """A question from the public at a public meeting; who asked is kept within the OPCC."""

    __tablename__ = "public_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(Boolean, default=False)

    meeting: Mapped[Meeting] = relationship()

    def __repr__(self) -> str:
        return f"<PublicQuestion {self.id} meeting {self.meeting_id}>"


class BroughtAction(db.Model):
    """An action (for example from an HMICFRS report) brought to a meeting's matters
    arising on purpose: by whom and when."""

    __tablename__ = "brought_actions"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), primary_key=True)
    brought_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    brought_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    action: Mapped[Action] = relationship()
    brought_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<BroughtAction meeting {self.meeting_id} action {self.action_id}>"
