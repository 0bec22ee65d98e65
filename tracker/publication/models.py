"""Publications the OPCC records by hand: the annual statement, decisions and others."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.db import LabelledEnum, TimestampMixin, VersionedMixin, db, enum_column

TITLE_MAX = 200
URL_MAX = 500
SUMMARY_MAX = 5000


class PublicationKind(LabelledEnum):
    ANNUAL_STATEMENT = (
        "annual_statement",
        "Annual statement on the national policing priorities",
    )
    DECISION = ("decision", "Decision")
    OTHER = ("other", "Other publication")


class PublicationRecord(VersionedMixin, TimestampMixin, db.Model):
    """Something the office must publish that the tracker does not hold elsewhere (the
    Specified Information Order's statement on the national policing priorities, a
    decision record). Shown to the public only once published and marked public."""

    __tablename__ = "publication_records"
    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("published_on IS NULL OR url <> ''", name="published_has_link"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PublicationKind] = mapped_column(enum_column(PublicationKind, "publication_kind"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    published_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    # False: kept off the public pages and feed even once published (for example a
    # decision published with restricted annexes the office links to separately).
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    summary: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_public(self) -> bool:
        """Shown on the public pages: published and marked public."""
        return self.published_on is not None and bool(self.public)

    def __repr__(self) -> str:
        return f"<PublicationRecord {self.id} {self.kind.value} {self.title[:30]!r}>"
