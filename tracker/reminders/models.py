"""The outbox of emails, the reminder items that guard against duplicates, and opt-outs."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.models import Marking
from tracker.db import LabelledEnum, UTCDateTime, db, enum_column, utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


class OutboxStatus(LabelledEnum):
    PENDING = ("pending", "Pending")
    SENT = ("sent", "Sent")
    FAILED = ("failed", "Failed")


# Account emails carry a private link (set a password); their text is never shown in
# the Outbox, and is not kept once sent.
ACCOUNT_EMAIL_KINDS = frozenset({"invitation", "password_reset"})
PRIVATE_TEXT_SENT = "[Sent. The text held a private link and is not kept.]"


class OutboxMessage(db.Model):
    """One email: a reminder digest or an account email (invitation, password reset),
    delivered and retried by the sender. `rules` names the reminder rules, or the kind of
    account email."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    run_on: Mapped[date] = mapped_column(Date)
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    marking: Mapped[Marking] = mapped_column(enum_column(Marking, "outbox_marking"))
    rules: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[OutboxStatus] = mapped_column(
        enum_column(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient: Mapped[User | None] = relationship()
    items: Mapped[list[ReminderItem]] = relationship(back_populates="message")

    @property
    def holds_private_link(self) -> bool:
        """An invitation or password reset: its link would let a reader set the password."""
        return self.rules in ACCOUNT_EMAIL_KINDS

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to {self.to_address} {self.status.value}>"


class ReminderItem(db.Model):
    """One reminder about one thing for one person on one occasion.

    The unique key (rule, item, recipient, occurrence) is what makes a repeated or
    overlapping run harmless: the second insert of the same reminder does nothing.
    """

    __tablename__ = "reminder_items"
    __table_args__ = (
        UniqueConstraint(
            "rule",
            "item_type",
            "item_id",
            "recipient_id",
            "occurrence",
            name="uq_reminder_items_once",
        ),
        Index("ix_reminder_items_item", "item_type", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    item_type: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int] = mapped_column(Integer)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    occurrence: Mapped[date] = mapped_column(Date)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    message: Mapped[OutboxMessage | None] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<ReminderItem {self.rule} {self.item_type}:{self.item_id} on {self.occurrence}>"


class ReminderOptOut(db.Model):
    """A reminder rule a user has turned off (escalations cannot be turned off)."""

    __tablename__ = "reminder_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    rule: Mapped[str] = mapped_column(String(40), primary_key=True)

    def __repr__(self) -> str:
        return f"<ReminderOptOut user {self.user_id} {self.rule}>"
