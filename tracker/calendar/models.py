"""The secret that opens a user's private calendar feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.db import UTCDateTime, db, utcnow


class CalendarFeed(db.Model):
    """One user's feed address. Only a hash of the secret in its URL is stored, so the
    table alone cannot open anyone's feed; resetting replaces the nonce the secret is
    made from, and the old address stops working."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    # Combined with SECRET_KEY to make the secret shown to the user (see services).
    nonce: Mapped[str] = mapped_column(String(64))
    # sha256 of the secret, hex: what a request's token is looked up by.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} user {self.user_id}>"
