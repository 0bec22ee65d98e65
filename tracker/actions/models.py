"""Actions and everything recorded about them: updates, extension requests and tags."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.actions.rules import FORCE_OWNED_OPCC_ONLY_SQL
from tracker.assurance import AssuranceMethod, AssuranceVerdict, describe_conclusion
from tracker.auth.models import Organisation
from tracker.db import (
    LabelledEnum,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    db,
    enum_column,
    utcnow,
)
from tracker.settings.models import Tag

if TYPE_CHECKING:
    from tracker.auth.models import User
    from tracker.sources.models import AdhocRequest, Finding, Meeting, PanelItem

TITLE_MAX = 200
TEXT_MAX = 20_000


class SourceType(LabelledEnum):
    """Where an action came from. Each value names the foreign key that is set."""

    MEETING = ("meeting", "A&A meeting")
    ADHOC = ("adhoc_request", "Ad-hoc request")
    PANEL = ("panel_item", "Panel item")
    HMICFRS = ("finding", "HMICFRS finding")


class ActionStatus(LabelledEnum):
    OPEN = ("open", "Open")
    IN_PROGRESS = ("in_progress", "In progress")
    IMPLEMENTED = ("implemented", "Implemented")
    CLOSED = ("closed", "Closed")
    WITHDRAWN = ("withdrawn", "Withdrawn")
    SUPERSEDED = ("superseded", "Superseded")
    REOPENED = ("reopened", "Reopened")

    @property
    def is_complete(self) -> bool:
        """No further work is expected (RAG shows 'complete')."""
        return self in COMPLETE_STATUSES


COMPLETE_STATUSES = frozenset(
    {ActionStatus.CLOSED, ActionStatus.WITHDRAWN, ActionStatus.SUPERSEDED}
)


class Marking(LabelledEnum):
    """Government Security Classification marking, lowest first."""

    OFFICIAL = ("official", "OFFICIAL")
    OFFICIAL_SENSITIVE = ("official_sensitive", "OFFICIAL-SENSITIVE")


class Rag(LabelledEnum):
    RED = ("red", "Red")
    AMBER = ("amber", "Amber")
    GREEN = ("green", "Green")
    COMPLETE = ("complete", "Complete")


action_tags = Table(
    "action_tags",
    db.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id"), primary_key=True),
)


_SOURCE_COLUMNS = ("meeting_id", "adhoc_request_id", "panel_item_id", "finding_id")


def _exactly_one_source() -> str:
    """SQL: the foreign key named by source_type is set and the other three are null."""
    clauses = []
    for source in SourceType:
        column = f"{source.value}_id"
        others = " AND ".join(f"{c} IS NULL" for c in _SOURCE_COLUMNS if c != column)
        clauses.append(f"(source_type = '{source.value}' AND {column} IS NOT NULL AND {others})")
    return " OR ".join(clauses)


# tracker.policy.action_visibility for a force reader, as each database is sent it: the
# predicate of the partial index ix_actions_force_visible.
FORCE_VISIBLE_SQL = {
    "sqlite": "owning_organisation = 'force' AND opcc_only IS 0",
    "postgresql": "owning_organisation = 'force' AND opcc_only IS false",
}


class Action(VersionedMixin, TimestampMixin, db.Model):
    """Something the force or the OPCC has promised to do, with an owner and a deadline."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(_exactly_one_source(), name="exactly_one_source"),
        CheckConstraint("due_on >= raised_on", name="due_after_raised"),
        CheckConstraint("original_due_on >= raised_on", name="original_due_after_raised"),
        CheckConstraint("owning_organisation IN ('opcc', 'force')", name="owned_by_opcc_or_force"),
        CheckConstraint(
            "(status = 'closed') = (closed_on IS NOT NULL)", name="closed_on_iff_closed"
        ),
        # The rule the forms, services and import check through tracker.actions.rules.
        CheckConstraint(FORCE_OWNED_OPCC_ONLY_SQL, name="force_owned_not_opcc_only"),
        # Overdue and due-soon counts and lists (status, due date) for every reader.
        Index("ix_actions_overdue", "status", "due_on", "owning_organisation", "opcc_only"),
        # The dashboard's one pass (actions.queries.dashboard_counts) reads only this
        # index, grouped by its first three columns, so nothing is sorted.
        Index(
            "ix_actions_dashboard",
            "status",
            "source_type",
            "owner_id",
            "due_on",
            "owning_organisation",
            "opcc_only",
        ),
        # The actions a force reader may see, in due date order: the force's list counts
        # its rows from this index alone and reads its first page in order. Partial, so
        # no other query is tempted by it; a query can use it only when its WHERE holds
        # these terms as written, values inline (tracker.policy.action_visibility).
        Index(
            "ix_actions_force_visible",
            "due_on",
            sqlite_where=text(FORCE_VISIBLE_SQL["sqlite"]),
            postgresql_where=text(FORCE_VISIBLE_SQL["postgresql"]),
        ),
        # One owner's actions: "My actions", the home page's own overdue and due soon.
        Index(
            "ix_actions_owner_overdue",
            "owner_id",
            "status",
            "due_on",
            "owning_organisation",
            "opcc_only",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    source_type: Mapped[SourceType] = mapped_column(enum_column(SourceType, "source_type"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    # Actions arising from a meeting are numbered 1, 2, 3... within it.
    meeting_item_no: Mapped[int | None] = mapped_column(Integer)
    adhoc_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("adhoc_requests.id"), index=True
    )
    panel_item_id: Mapped[int | None] = mapped_column(ForeignKey("panel_items.id"), index=True)
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    owning_organisation: Mapped[Organisation] = mapped_column(
        enum_column(Organisation, "owning_organisation")
    )
    lead_role: Mapped[str] = mapped_column(String(120), default="")
    raised_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    original_due_on: Mapped[date] = mapped_column(Date)
    marking: Mapped[Marking] = mapped_column(
        enum_column(Marking, "marking"), default=Marking.OFFICIAL
    )
    # Only OPCC staff may see the action at all.
    opcc_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # Published by the OPCC to the Police and Crime Panel, which otherwise sees only
    # OFFICIAL actions from published Panel items and meetings (policy.can_view_action).
    published_to_panel: Mapped[bool] = mapped_column(Boolean, default=False)
    # An internal note only OPCC staff see, even on actions the force can see.
    opcc_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ActionStatus] = mapped_column(
        enum_column(ActionStatus, "action_status"), default=ActionStatus.OPEN
    )
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    meeting: Mapped[Meeting | None] = relationship(back_populates="actions")
    adhoc_request: Mapped[AdhocRequest | None] = relationship(back_populates="actions")
    panel_item: Mapped[PanelItem | None] = relationship(back_populates="actions")
    finding: Mapped[Finding | None] = relationship(back_populates="actions")
    tags: Mapped[list[Tag]] = relationship(secondary=action_tags, order_by="Tag.name")
    updates: Mapped[list[ActionUpdate]] = relationship(
        back_populates="action", order_by="ActionUpdate.id"
    )
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="action", order_by="ExtensionRequest.id"
    )

    @property
    def source(self) -> Meeting | AdhocRequest | PanelItem | Finding | None:
        """The record this action arose from."""
        return getattr(self, self.source_type.value)

    def days_overdue(self, today: date) -> int:
        """Whole days past the due date (0 when not overdue or complete)."""
        from tracker.actions import rag  # rag.py builds on this module

        return rag.days_overdue(self.status, self.due_on, today)

    def rag_on(self, today: date, amber_days: int) -> str:
        """'complete', 'red', 'amber' or 'green' on `today` (see tracker.actions.rag)."""
        from tracker.actions import rag  # rag.py builds on this module

        return rag.rag(self.status, self.due_on, today, amber_days)

    def __repr__(self) -> str:
        return f"<Action {self.reference} {self.status.value}>"


class ActionUpdate(db.Model):
    """A progress update or status change. Never deleted; editable by its author briefly.

    A status change made by the OPCC's assurance of an implemented action carries its
    conclusion: the method and verdict, with the note as `text`. Closing records one
    (except closures imported from before conclusions were recorded); a "not assured"
    verdict sends the action back to the owner and never closes it.
    """

    __tablename__ = "action_updates"
    __table_args__ = (
        CheckConstraint(
            "(assurance_method IS NULL) = (assurance_verdict IS NULL)",
            name="assurance_method_with_verdict",
        ),
        CheckConstraint(
            "assurance_verdict IS NULL OR from_status = 'implemented'",
            name="assurance_only_of_implemented",
        ),
        CheckConstraint(
            "NOT (to_status = 'closed' AND assurance_verdict = 'not_assured')",
            name="not_assured_never_closes",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    text: Mapped[str] = mapped_column(Text, default="")
    from_status: Mapped[ActionStatus | None] = mapped_column(
        enum_column(ActionStatus, "update_from_status")
    )
    to_status: Mapped[ActionStatus | None] = mapped_column(
        enum_column(ActionStatus, "update_to_status")
    )
    rag: Mapped[Rag | None] = mapped_column(enum_column(Rag, "update_rag"))
    # Internal OPCC comment: never shown to force or Panel users.
    opcc_only: Mapped[bool] = mapped_column(Boolean, default=False)
    assurance_method: Mapped[AssuranceMethod | None] = mapped_column(
        enum_column(AssuranceMethod, "assurance_method")
    )
    assurance_verdict: Mapped[AssuranceVerdict | None] = mapped_column(
        enum_column(AssuranceVerdict, "assurance_verdict")
    )

    action: Mapped[Action] = relationship(back_populates="updates")
    author: Mapped[User] = relationship()

    @property
    def is_status_change(self) -> bool:
        return self.to_status is not None and self.to_status != self.from_status

    @property
    def conclusion(self) -> str:
        """The assurance conclusion in words, "Partly assured (dip sample)" ("" if none)."""
        if self.assurance_verdict is None or self.assurance_method is None:
            return ""
        return describe_conclusion(self.assurance_method, self.assurance_verdict)

    def __repr__(self) -> str:
        return f"<ActionUpdate {self.id} on action {self.action_id}>"


# What a close without a conclusion says (imported, or made before conclusions were kept).
NO_CONCLUSION = "No conclusion recorded (closed before conclusions were recorded)"


def assurance_line(
    method: AssuranceMethod | str | None,
    verdict: AssuranceVerdict | str | None,
    note: str | None,
    *,
    with_note: bool = True,
) -> str:
    """A close's conclusion in one line: "Partly assured (dip sample): note", or
    NO_CONCLUSION when it recorded none. Pages, reports and exports all use it."""
    if not method or not verdict:
        return NO_CONCLUSION
    words = describe_conclusion(method, verdict)
    return f"{words}: {note}" if with_note and note else words


class ExtensionStatus(LabelledEnum):
    PENDING = ("pending", "Awaiting decision")
    APPROVED = ("approved", "Approved")
    DECLINED = ("declined", "Declined")


class ExtensionRequest(VersionedMixin, db.Model):
    """A request to move an action's due date; the OPCC approves or declines it."""

    __tablename__ = "extension_requests"
    __table_args__ = (CheckConstraint("proposed_due_on > current_due_on", name="later_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    current_due_on: Mapped[date] = mapped_column(Date)
    proposed_due_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(
        enum_column(ExtensionStatus, "extension_status"), default=ExtensionStatus.PENDING
    )
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str] = mapped_column(Text, default="")

    action: Mapped[Action] = relationship(back_populates="extension_requests")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<ExtensionRequest {self.id} {self.status.value}>"
