"""Evidence files: the metadata row, and the bytes in a table of their own.

Lists and pages read `Attachment` only; the bytes (`AttachmentContent`) are loaded when
a file is downloaded, so a page listing fifty files never reads fifty files.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.attachments.rules import human_size, kind_label
from tracker.db import UTCDateTime, db, utcnow

if TYPE_CHECKING:
    from tracker.auth.models import User


class Attachment(db.Model):
    """One uploaded file, attached to a record named by `owner_kind` and `owner_id`.

    Never deleted: a replacement is a new attachment, and the old one records
    `superseded_by` and `superseded_at` and stays downloadable.
    """

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner", "owner_kind", "owner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A kind registered in tracker.attachments.definitions, e.g. "action_update".
    owner_kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    uploaded_by: Mapped[User] = relationship()
    superseded_by: Mapped[Attachment | None] = relationship(remote_side=[id])
    content: Mapped[AttachmentContent] = relationship(
        back_populates="attachment", cascade="all, delete-orphan", lazy="select"
    )

    @property
    def is_superseded(self) -> bool:
        return self.superseded_by_id is not None

    @property
    def kind_label(self) -> str:
        """The file's type in words ("PDF")."""
        return kind_label(self.content_type)

    @property
    def size_text(self) -> str:
        """The file's size in words ("12 KB")."""
        return human_size(self.size)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.owner_kind}:{self.owner_id} {self.filename!r}>"


class AttachmentContent(db.Model):
    """The bytes of one attachment (kept apart so metadata queries never read them)."""

    __tablename__ = "attachment_contents"

    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    attachment: Mapped[Attachment] = relationship(back_populates="content")

    def __repr__(self) -> str:
        return f"<AttachmentContent {self.attachment_id}>"
